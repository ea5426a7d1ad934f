import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/logs/logRecord';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { containerHeader, containerRow, logRow } from '../../views/rows';
import { plain, renderConsole } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

function mount(columns = 80, rows = 24) {
  const seeded = seededConsole();
  return { ...seeded, ...renderConsole(seeded, columns, rows) };
}

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);

/** The text of each column of a row, cut where the header's columns start. */
function columnsOf(row: string, header: string): string[] {
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index as number);
  return starts.map((s, i) => row.slice(s, starts[i + 1]));
}

describe('what must be read at 80 columns', () => {
  it('keeps every container column apart: a long health never runs into the version', () => {
    const base: ContainerStatus = {
      id: 'x/api',
      name: 'api',
      host: 'x',
      kind: 'docker',
      state: 'exited',
      exitCode: 137,
      health: 'unhealthy',
      version: '1.4.2',
      restarts: 3,
    };
    const header = containerHeader(80);
    for (const status of [
      base,
      { ...base, healthFailingStreak: 541 },
      { ...base, healthFailingStreak: 123456 },
    ]) {
      const row = containerRow(status, T0, 80);
      const [, state, health, version] = columnsOf(row, header);
      // Each cell ends in a space: the next column's text starts on its own.
      expect(state).toMatch(/^exit 137\s+$/);
      expect(health).toMatch(/^unh\S*\s+$/);
      expect(version?.trim()).toBe('1.4.2');
    }
    expect(containerRow({ ...base, healthFailingStreak: 541 }, T0, 80)).toContain('unhlth×541 ');
  });

  it('cuts the message of a narrow log line, not its request id', () => {
    const record: LogRecord = {
      seq: 1,
      time: T0,
      source: 'api',
      level: 'error',
      text: '',
      structured: true,
      message: 'pricing rule lookup failed: column "discount_tier" does not exist in relation "rules"',
      status: 500,
      requestId: 'req-5f3a9c1e',
    } as LogRecord;
    const row = logRow(record, 80);
    expect([...row].length).toBe(80);
    expect(row.trimEnd()).toMatch(/… 500 req-5f3a9c1e$/);
    // Plain text: an id beyond the cut is brought to the end of the row.
    const plainLine = { ...record, structured: false, text: `${'x'.repeat(90)} rid=req-5f3a9c1e` };
    expect(logRow(plainLine, 80).trimEnd()).toMatch(/… req-5f3a9c1e$/);
  });

  it('shows the whole command of a typed confirmation, wrapped', async () => {
    const v = mount();
    const argv =
      '/usr/lib/opsconsole/bin/opsconsole demo rollback --service api --to v1.4.2 --state-dir /var/lib/opsconsole';
    v.store.setState((s) => ({
      ui: {
        ...s.ui,
        overlay: 'prompt',
        prompt: {
          purpose: 'confirm-step',
          label: `Destructive. Type "api" to run on local: ${argv}`,
          value: '',
        },
      },
    }));
    await v.settle();
    const frame = plain(v.frame()).replace(/[│║\s]+/g, ' ');
    expect(frame).toContain(argv);
    v.unmount();
  });

  it('opens the data’s account and the triage’s evidence in full with i', async () => {
    const v = mount();
    const template = 'pricing rule lookup failed: column "discount_tier" does not exist in relation "rules"';
    v.store.setState({
      diagnosis: {
        summary: `api v1.5.0 at 03:00:00, errors 1s later · new on api: "${template}" · origin api (98% of 43 failing requests)`,
        patterns: [{ service: 'api', template, count: 26, firstSeen: T0, kind: 'new' }],
        origin: { service: 'api', share: 0.98, requests: 43 },
      },
    });
    await v.settle();
    expect(plain(v.frame()).split('\n')[0]).toContain('…');
    await v.press('i');
    const frame = plain(v.frame()).replace(/[│\s]+/g, ' ');
    expect(frame).toContain('What the data says');
    expect(frame).toContain(template);
    expect(frame).toContain('origin api (98% of 43 failing requests)');
    await v.press('\u001b');
    expect(plain(v.frame())).not.toContain('What the data says');
    v.unmount();
  });

  it('wraps the triage’s evidence in its pane', async () => {
    const v = mount();
    const evidence =
      'api 5xx ratio 14.2% over 1m (critical above 10% for 2m) since v1.5.0 at 03:00:00, errors 1s later';
    v.store.setState((s) => ({
      ui: { ...s.ui, view: 'triage' },
      triage: {
        playbookTitle: 'Bad deploy',
        kind: 'question',
        text: 'Did the errors start with the release?',
        choices: [
          { key: 'y', label: 'yes' },
          { key: 'n', label: 'no' },
        ],
        proposal: { verdict: 'yes', evidence: [evidence] },
        trail: [],
      } as never,
    }));
    await v.settle();
    const frame = plain(v.frame()).replace(/\s+/g, ' ');
    expect(frame).toContain(`Data says YES: ${evidence}`);
    v.unmount();
  });

  it('shows a long status message whole (the export path), taking rows from the panes', async () => {
    const v = mount();
    const path =
      '/home/operator/.local/state/opsconsole/incidents/inc-20261121-0300-api-5xx/postmortem-draft.md';
    v.store.setState((s) => ({
      ui: { ...s.ui, message: `post-mortem draft written to ${path}`, messageAt: s.now },
    }));
    await v.settle();
    const lines = plain(v.frame()).split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.slice(-3).join('').replace(/\s+/g, '')).toContain(path);
    v.unmount();
  });
});

describe('the way to the errors', () => {
  it('E shows only warnings and errors, and the title counts errors per service', async () => {
    const v = mount();
    // The log counts join the error rates on the next second.
    v.ingest.flush(v.now + 1000);
    await v.settle();
    // line 39 is info, line 35 an error: all of the last rows are errors once E is pressed.
    expect(plain(v.frame())).toContain('line 39');
    expect(plain(v.frame())).toMatch(/Logs · errors\/1m api \d+/);
    await v.press('E');
    const frame = plain(v.frame());
    expect(v.store.getState().ui.logQuery).toBe('level:warn');
    expect(frame).not.toContain('line 39');
    expect(frame).toContain('line 35');
    await v.press('E');
    expect(v.store.getState().ui.logQuery).toBe('');
    expect(plain(v.frame())).toContain('line 39');
    v.unmount();
  });
});

describe('words that go stale', () => {
  it('lets a status message go after a few seconds', async () => {
    const v = mount();
    await v.press('E');
    expect(plain(v.frame())).toContain('warnings and errors only');
    v.store.setState((s) => ({ now: s.now + 9_000 }));
    await v.settle();
    expect(plain(v.frame())).not.toContain('warnings and errors only');
    v.unmount();
  });

  it('Ctrl-U clears the palette’s search and a prompt’s text', async () => {
    const v = mount();
    await v.press(':', 't', 'i', 'm');
    expect(v.store.getState().ui.palette.query).toBe('tim');
    await v.press('\u0015');
    expect(v.store.getState().ui.palette.query).toBe('');
    expect(v.store.getState().ui.overlay).toBe('palette');
    await v.press('\u001b', '/', 'a', 'p', 'i', '\u0015');
    expect(v.store.getState().ui.prompt?.value).toBe('');
    v.unmount();
  });
});
