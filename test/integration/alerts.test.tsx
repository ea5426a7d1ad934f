import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { createConsoleControls } from '../../src/session/consoleControls';
import { alertmanagerSource } from '../../src/sources/alertmanagerSource';
import { createIngest } from '../../src/store/ingest';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import { TestAlertmanager } from '../helpers/alertmanager';
import { runCli } from '../helpers/cli';
import { plain, renderAtSize } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

const am = new TestAlertmanager();
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeAll(async () => {
  await am.start();
  const hour = new Date(Date.now() - 3_600_000).toISOString();
  await am.post([
    {
      labels: { alertname: 'HighErrorRate', severity: 'warning', service: 'worker' },
      annotations: { summary: 'worker 5xx above 1%' },
      startsAt: hour,
    },
    {
      labels: {
        alertname: 'ApiDown',
        severity: 'critical',
        service: 'api',
        note: '\u001b]52;c;cm0gLXJmIC8=\u0007x\u202e',
      },
      annotations: { summary: 'api is down \u001b[2J' },
      startsAt: new Date(Date.now() - 600_000).toISOString(),
    },
    { labels: { alertname: 'DiskFull', severity: 'critical', service: 'db' } },
  ]);
}, 60_000);

afterAll(async () => {
  await am.stop();
});

describe('alerts from a real Alertmanager (API v2)', () => {
  it('lists them most severe first, silenced ones as silenced, with the silences, never raw', async () => {
    const id = await am.silence([{ name: 'alertname', value: 'DiskFull' }], 'known, being handled');
    type Listed = {
      alerts: { name: string; state: string; severity: string; labels: Record<string, string> }[];
      silences: { id: string }[];
    };
    // Alertmanager applies a new silence on its next pass: ask until it shows.
    let json: Listed = { alerts: [], silences: [] };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      json = JSON.parse((await runCli(['alerts', '--json', '--alertmanager', am.url])).stdout) as Listed;
      if (json.alerts.some((a) => a.name === 'DiskFull' && a.state === 'silenced')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(json.alerts.map((a) => a.name)).toEqual(['ApiDown', 'DiskFull', 'HighErrorRate']);
    expect(json.alerts.find((a) => a.name === 'DiskFull')?.state).toBe('silenced');
    expect(json.silences.map((s) => s.id)).toEqual([id]);
    const text = await runCli(['alerts', '--alertmanager', am.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^firing\s+critical ApiDown/m);
    expect(text.stdout).toMatch(
      /^silence \S+ active until .* by test: alertname=DiskFull\s+\(known, being handled\)/m,
    );
    expect(ACTIVE.test(text.stdout)).toBe(false);
    const filtered = await runCli([
      'alerts',
      '--json',
      '--filter',
      'service=worker',
      '--alertmanager',
      am.url,
    ]);
    expect(JSON.parse(filtered.stdout).alerts.map((a: { name: string }) => a.name)).toEqual([
      'HighErrorRate',
    ]);
  });

  it('says where and why when there is no Alertmanager to ask, or it does not answer', async () => {
    const none = await runCli(['alerts'], { cwd: am.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Alertmanager to ask[\s\S]*--alertmanager URL/);
    const down = await runCli(['alerts', '--alertmanager', 'http://127.0.0.1:9/']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^opsconsole: alerts: http:\/\/127\.0\.0\.1:9\/: /);
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the alerts view in the console', () => {
  it('shows the polled alerts most severe first, inert, and says when they become unknown', async () => {
    const seeded = seededConsole(Date.now() - 200_000);
    const ingest = createIngest({
      store: seeded.store,
      logs: seeded.logs,
      thresholds: DEFAULT_THRESHOLDS,
      reorderWindowMs: 0,
    });
    // A poller asks the live Alertmanager first, then one at a port nobody listens on.
    const source = alertmanagerSource(am.url, ingest.sink, 100);
    source.start();
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!ok() && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        ingest.flush();
      }
      expect(ok()).toBe(true);
    };
    await until(() => (seeded.store.getState().alerts?.list.length ?? 0) >= 3);
    const view = renderAtSize(
      <ConsoleContext.Provider
        value={{
          store: seeded.store,
          logs: seeded.logs,
          controls: createConsoleControls({ store: seeded.store, logs: seeded.logs, exit: () => {} }),
          color: true,
        }}
      >
        <App threshold={0.05} />
      </ConsoleContext.Provider>,
      80,
      24,
    );
    await view.settle();
    await view.press('A');
    const text = plain(view.frame());
    const lines = text.split('\n');
    const api = lines.findIndex((l) => /critical\s+ApiDown\s+api/.test(l));
    const worker = lines.findIndex((l) => /warning\s+HighErrorRate\s+worker/.test(l));
    expect(api).toBeGreaterThan(-1);
    expect(worker).toBeGreaterThan(api);
    expect(text).toContain('api is down');
    // The header counts what Alertmanager has firing; the silenced DiskFull is not among them.
    expect(lines[0]).toContain('· am 2 │ ALERT');
    expect(ACTIVE.test(text.replace(/\n/g, ''))).toBe(false);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    const selected = () =>
      view
        .frame()
        .split('\n')
        .find((l) => l.includes('\u001b[7m')) ?? '';
    expect(selected()).toContain('ApiDown');
    await view.press('j');
    expect(selected()).toContain('DiskFull');
    await view.press('\r');
    expect(plain(view.frame())).toMatch(/^silenced critical DiskFull since .* silenced by \S+/m);
    await view.press('k');
    const detail = plain(view.frame());
    expect(detail).toMatch(/^ {2}labels: alertname=ApiDown .*note=/m);
    expect(detail).toMatch(/^ {2}summary: api is down/m);
    expect(ACTIVE.test(plain(view.frame()).replace(/\n/g, ''))).toBe(false);
    await view.press('\r');
    expect(plain(view.frame())).not.toContain('labels:');
    source.stop();
    const dead = alertmanagerSource('http://127.0.0.1:9/', ingest.sink, 100);
    dead.start();
    await until(() => seeded.store.getState().alerts?.unknown !== undefined);
    dead.stop();
    await view.settle();
    const after = plain(view.frame());
    expect(after).toMatch(/alerts unknown, showing the last list: .*ECONNREFUSED/);
    expect(after).toContain('ApiDown');
    expect(after.split('\n')[0]).toContain('· am 2? │');
    await view.press('A');
    expect(plain(view.frame())).not.toContain('alerts unknown');
    view.unmount();
  });
});

describe('status --json with an Alertmanager in the environment', () => {
  it('includes its alerts, most severe first', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const config = join(am.dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      ['environments:', '  prod:', `    alertmanager: { url: "${am.url}" }`, '    services: {}', ''].join(
        '\n',
      ),
    );
    const r = await runCli(['status', '--json', '--sample', '1s', '--config', config]);
    const snap = JSON.parse(r.stdout);
    expect(snap.alerts.map((a: { name: string }) => a.name)).toEqual([
      'ApiDown',
      'DiskFull',
      'HighErrorRate',
    ]);
    await am.stop();
    const down = JSON.parse(
      (await runCli(['status', '--json', '--sample', '1s', '--config', config])).stdout,
    );
    expect(down.alerts).toBeNull();
    expect(down.alertsUnknown).toMatch(/ECONNREFUSED|connect/);
  });
});
