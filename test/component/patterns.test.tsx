import { describe, expect, it } from 'vitest';
import { plain, renderConsole } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

describe('the patterns view', () => {
  it('lists the templates by mode, and Enter shows the selected one’s lines in the logs', async () => {
    const seeded = seededConsole();
    // A message the api never logged before, after the 40 seeded "line N" lines.
    const at = seeded.now + 1000;
    seeded.ingest.sink({
      type: 'log-lines',
      source: 'api',
      lines: [1, 2, 3].map((i) =>
        JSON.stringify({
          time: new Date(at).toISOString(),
          level: 'error',
          msg: `pricing rule ${i} lookup failed`,
          request_id: `req-p${i}`,
        }),
      ),
      receivedAt: at,
    });
    seeded.ingest.flush(at);
    const view = renderConsole(seeded, 80, 24, { color: true });
    await view.settle();
    await view.press('P');
    expect(plain(view.frame())).toContain('Log patterns: new since the release');
    await view.press('v', 'v');
    const all = plain(view.frame());
    expect(all).toContain('Log patterns: all');
    // Errors first: the pricing failure (all errors) above the line N template (a fifth errors).
    const rows = all.split('\n').filter((l) => /^\s+api\s+\d+/.test(l));
    expect(rows.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^api 3 \S+ \S* ?pricing rule <\*> lookup failed$/),
      expect.stringMatching(/^api 40 \S+ \S* ?line <\*>$/),
    ]);
    expect(all).toMatch(/e\.g\. .*pricing rule 3 lookup failed/);
    for (const l of all.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    await view.press('\r');
    const logs = plain(view.frame());
    expect(seeded.store.getState().ui).toMatchObject({ view: 'dashboard', focus: 'logs' });
    expect(seeded.store.getState().ui.logQuery).toMatch(/^pat:api#\d+$/);
    const logLines = logs.split('\n').filter((l) => /^\d\d:\d\d:\d\d api /.test(l));
    expect(logLines).toHaveLength(3);
    for (const l of logLines) expect(l).toContain('lookup failed');
    // r on a template follows its sample's request id across services.
    await view.press('P', 'r');
    expect(seeded.store.getState().ui.logQuery).toBe('rid:req-p3');
    view.unmount();
  });
});
