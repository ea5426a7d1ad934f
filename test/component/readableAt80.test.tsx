import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../src/incident/describeRecord';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import type { LogRecord } from '../../src/logs/logRecord';
import type { Alert } from '../../src/model/alerts';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { createConsoleControls } from '../../src/session/consoleControls';
import { IncidentSession } from '../../src/session/incidentSession';
import { diagnosisLine } from '../../src/text/diagnosisLine';
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

describe('declaring while the rule is pending', () => {
  function withJournal() {
    const seeded = seededConsole();
    const repo = new IncidentRepository(mkdtempSync(join(tmpdir(), 'oc-declare-')), 'op@test');
    const incident = new IncidentSession(repo, [], (active, timeline) =>
      seeded.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
    );
    const controls = createConsoleControls({
      store: seeded.store,
      logs: seeded.logs,
      exit: () => {},
      incident,
    });
    const ruleState = (state: 'ok' | 'pending' | 'firing') =>
      seeded.store.setState((s) => ({
        signals: Object.fromEntries(
          Object.entries(s.signals).map(([k, v]) => [
            k,
            { ...v, rules: v.rules.map((r) => ({ ...r, state })) },
          ]),
        ),
      }));
    const press = (key: string) => controls.dispatch(key, key.length === 1 ? key : '');
    return { ...seeded, controls, ruleState, press, ui: () => seeded.store.getState().ui };
  }

  it('proposes a title from a pending rule, and asks again (with what fires by then) on an empty one', () => {
    const c = withJournal();
    c.ruleState('pending');
    c.press('D');
    expect(c.ui().prompt?.value).toMatch(/^api/);
    c.press('escape');
    c.ruleState('ok');
    c.press('D');
    expect(c.ui().prompt?.value).toBe('');
    c.ruleState('firing');
    c.press('return');
    expect(c.ui().prompt).toMatchObject({
      purpose: 'declare-title',
      label: 'A title is needed (Esc cancels)',
    });
    expect(c.ui().prompt?.value).toMatch(/^api/);
    c.press('return');
    expect(c.ui().prompt?.purpose).toBe('declare-severity');
  });
});

describe('the alerts view names each state', () => {
  it('calls a pending alert pending, in the title and in its row', async () => {
    const v = mount();
    const alert = (name: string, state: Alert['state']): Alert => ({
      fingerprint: name,
      name,
      state,
      severity: 'warning',
      labels: { alertname: name, service: 'api' },
      annotations: {},
      startsAt: T0,
      silencedBy: [],
    });
    v.store.setState({
      alerts: { list: [alert('HighLatency', 'pending'), alert('DiskFull', 'silenced')], at: T0 },
    } as never);
    await v.press('A');
    const frame = plain(v.frame());
    expect(frame).toContain('0 firing · 1 pending · 1 silenced');
    expect(frame).not.toContain('quiet');
    expect(frame).toMatch(/HighLatency\s+api\s+1 pending/);
    expect(frame).toMatch(/DiskFull\s+api\s+1 silenced/);
    v.unmount();
  });
});

describe('the timeline of a dry run', () => {
  it('reads as a dry run, not as the step having run', () => {
    const at = new Date(T0).toISOString();
    const described = describeRecord({
      v: 1,
      seq: 3,
      at,
      actor: 'op',
      kind: 'step.result',
      payload: { runId: 'r', step: 'Roll back api', exitCode: 0, durationMs: 0, output: '', dryRun: true },
    } as never);
    expect(described.text).toBe('Dry run of Roll back api, nothing changed: exit 0');
  });
});

describe('the data’s account after a rollback', () => {
  it('says the release it names is no longer what runs', async () => {
    const v = mount();
    const release = (at: number, from: string, to: string) => ({
      at,
      kind: 'release' as const,
      severity: 'info' as const,
      text: `api ${from} → ${to}`,
      data: { service: 'api', host: 'local', from, to, reason: 'deploy' },
    });
    v.store.setState((s) => ({
      ui: { ...s.ui, view: 'triage' },
      incident: {
        ...s.incident,
        events: [release(T0, 'v1.4.2', 'v1.5.0'), release(T0 + 120_000, 'v1.5.0', 'v1.4.2')],
      },
      // As the diagnosis words it once a later release replaced the one it names.
      diagnosis: {
        summary: diagnosisLine({
          change: {
            service: 'api',
            to: 'v1.5.0',
            at: T0,
            delayMs: 1000,
            replaced: { to: 'v1.4.2', at: T0 + 120_000 },
          },
          patterns: [],
        }),
        change: { service: 'api', from: 'v1.4.2', to: 'v1.5.0', at: T0, delayMs: 1000 },
        patterns: [],
      },
    }));
    await v.settle();
    expect(plain(v.frame())).toContain('Data: api v1.5.0 at 03:00:00, replaced by v1.4.2 at 03:02:00');
    expect(plain(v.frame())).not.toContain('errors');
    v.unmount();
  });
});

describe('wrapped rows', () => {
  it('keep an indented line’s indent on every row', async () => {
    const { wrapWords } = await import('../../views/rows');
    expect(wrapWords('   Data says YES: api 5m 5xx 11.5% > 5%; gateway 5m 5xx 18.1% > 5%', 30)).toEqual([
      '   Data says YES: api 5m 5xx',
      '   11.5% > 5%; gateway 5m 5xx',
      '   18.1% > 5%',
    ]);
  });
});
