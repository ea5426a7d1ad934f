import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import type { Alert } from '../../src/model/alerts';
import { loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { createConsoleControls } from '../../src/session/consoleControls';
import { IncidentSession } from '../../src/session/incidentSession';
import { helpBindings, KEYMAP } from '../../src/session/keymap';
import { TriageSession } from '../../src/session/triageSession';
import { localTarget } from '../../src/transport/localCommand';
import { triageLines, wrapLine } from '../../views/TriagePane';
import { seededConsole } from '../helpers/seededConsole';

/** The console without a terminal: a seeded store, a real journal, and keys handed to `dispatch`. */
function console_(options: { triage?: boolean; severities?: Record<string, string> } = {}) {
  const seeded = seededConsole();
  const stateDir = mkdtempSync(join(tmpdir(), 'oc-controllers-'));
  const repo = new IncidentRepository(stateDir, 'op@test');
  const incident = new IncidentSession(repo, [], (active, timeline) =>
    seeded.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
  );
  const triage = options.triage
    ? new TriageSession(seeded.store, loadPlaybookDirs(['playbooks']), incident, {
        variantOf: () => 'demo',
        hostOf: () => 'local',
        valuesOf: () => ({}),
        targetFor: () => localTarget,
        opsconsolePath: 'bin/opsconsole',
      })
    : undefined;
  const exit = vi.fn();
  const controls = createConsoleControls({
    store: seeded.store,
    logs: seeded.logs,
    exit,
    incident,
    ...(triage && { triage }),
    stateDir,
    ...(options.severities && {
      alertmanager: {
        // Declaring reads only the map; nothing here talks to an Alertmanager.
        api: { createSilence: () => Promise.reject(new Error('unused')), expireSilence: async () => {} },
        severities: options.severities,
      },
    }),
  });
  /** Keys as the view names them; a plain character also types itself. */
  const press = (...keys: string[]) => {
    for (const k of keys) controls.dispatch(k, k.length === 1 ? k : '');
  };
  const type = (text: string) => {
    for (const ch of text) controls.dispatch(ch, ch);
  };
  const ui = () => seeded.store.getState().ui;
  const records = () => {
    const id = seeded.store.getState().incident.active?.id as string;
    return readJournal(repo.pathOf(id)).records;
  };
  return { ...seeded, controls, press, type, ui, exit, records, stateDir, incident, triage };
}

describe('the keymap joins the controllers', () => {
  it('binds only actions that exist', () => {
    const { controls } = console_();
    const missing = Object.entries(KEYMAP).flatMap(([mode, bindings]) =>
      bindings.filter((b) => !(b.action in controls.actions)).map((b) => `${mode}: ${b.action}`),
    );
    expect(missing).toEqual([]);
  });

  it('fits each main view’s help in 80x24: two columns of 23 rows', () => {
    for (const view of ['dashboard', 'timeline', 'triage', 'alerts'] as const)
      expect({ view, count: helpBindings([view]).length }).toEqual({
        view,
        count: expect.toSatisfy((n: number) => n <= 46),
      });
  });

  it('gives each key one meaning in the overlays (in the main views a mode’s own key shadows a global one)', () => {
    const clashes: string[] = [];
    for (const [mode, bindings] of Object.entries(KEYMAP)) {
      if (['dashboard', 'timeline', 'triage', 'alerts'].includes(mode)) continue;
      const seen = new Map<string, string>();
      for (const b of bindings)
        for (const k of b.keys) {
          const first = seen.get(k);
          if (first && first !== b.action) clashes.push(`${mode} ${k}: ${first} / ${b.action}`);
          seen.set(k, first ?? b.action);
        }
    }
    expect(clashes).toEqual([]);
  });
});

describe('incident controller', () => {
  it('declares from the selected alert: the title prefilled, its alerts and labels on the record', () => {
    const c = console_();
    const alert = (instance: string, startsAt: number): Alert => ({
      fingerprint: instance,
      name: 'ApiDown',
      state: 'firing',
      severity: 'critical',
      labels: { alertname: 'ApiDown', service: 'api', instance },
      annotations: {},
      startsAt,
      silencedBy: [],
    });
    const at = Date.UTC(2026, 10, 21, 2, 58);
    c.store.setState({ alerts: { list: [alert('b', at + 60_000), alert('a', at)], at } });
    c.press('A');
    expect(c.ui().view).toBe('alerts');
    c.press('D');
    expect(c.ui().prompt).toMatchObject({ purpose: 'declare-title', value: 'ApiDown on api' });
    c.press('return');
    // The alert's severity=critical proposes P1; Enter accepts the proposal.
    expect(c.ui().prompt).toMatchObject({ purpose: 'declare-severity', value: 'P1' });
    expect(c.ui().prompt?.label).toContain('from severity=critical');
    c.press('return');
    expect(c.store.getState().incident.active).toMatchObject({ title: 'ApiDown on api', severity: 'P1' });
    // Each alert of the group is linked: its labels on the record, its startsAt as the event time.
    const linked = c
      .records()
      .filter((r) => r.kind === 'alert.firing')
      .map((r) => ({ at: r.at, fingerprint: r.kind === 'alert.firing' && r.payload.fingerprint }));
    expect(linked).toEqual([
      { at: '2026-11-21T02:58:00.000Z', fingerprint: 'a' },
      { at: '2026-11-21T02:59:00.000Z', fingerprint: 'b' },
    ]);
    // Alertmanager lets one go: it is recorded as resolved, once.
    c.incident.observeAlerts([alert('b', at + 60_000)]);
    c.incident.observeAlerts([alert('b', at + 60_000)]);
    const resolved = c.records().filter((r) => r.kind === 'alert.resolved');
    expect(resolved.map((r) => r.kind === 'alert.resolved' && r.payload.fingerprint)).toEqual(['a']);
  });

  it('proposes the severity from the environment’s map when it has one', () => {
    const c = console_({ severities: { critical: 'P0' } });
    const at = Date.UTC(2026, 10, 21, 2, 58);
    c.store.setState({
      alerts: {
        list: [
          {
            fingerprint: 'f',
            name: 'ApiDown',
            state: 'firing',
            severity: 'CRITICAL',
            labels: { alertname: 'ApiDown', severity: 'CRITICAL' },
            annotations: {},
            startsAt: at,
            silencedBy: [],
          },
        ],
        at,
      },
    });
    c.press('A', 'D', 'return');
    expect(c.ui().prompt).toMatchObject({ purpose: 'declare-severity', value: 'P0' });
  });

  it('declares by keys, notes, stars, marks an action item and exports, each journaled', () => {
    const c = console_();
    c.press('D');
    // The firing critical rule names the incident and proposes its severity: Enter, Enter declares.
    expect(c.ui().prompt).toMatchObject({
      purpose: 'declare-title',
      value: 'api: 5xx ratio above 5% for 2m00s',
    });
    c.press('backspace');
    c.type('s, after deploy');
    c.press('return');
    expect(c.ui().prompt).toMatchObject({ purpose: 'declare-severity', value: 'P1' });
    expect(c.ui().prompt?.label).toContain('from the critical rule firing');
    c.press('return');
    expect(c.store.getState().incident.active).toMatchObject({
      title: 'api: 5xx ratio above 5% for 2m00s, after deploy',
      severity: 'P1',
    });
    c.press('n');
    c.type('rolled back');
    c.press('return');
    expect(c.ui().message).toBe('note recorded');
    c.press('t');
    expect(c.ui().view).toBe('timeline');
    c.press('G');
    c.press('a', '*');
    c.press('e');
    const kinds = c.records().map((r) => r.kind);
    expect(kinds).toEqual([
      'incident.declared',
      'note',
      'note.action-item',
      'event.starred',
      'export.written',
    ]);
    expect(c.ui().message).toMatch(/post-mortem draft written to (\S+)/);
    const path = /written to (\S+)/.exec(c.ui().message ?? '')?.[1] as string;
    expect(readFileSync(path, 'utf8')).toMatch(/## Action items\n\n- \[ \] rolled back \(op@test/);
  });

  it('asks before quitting while an incident is open, and quits at once when none is', () => {
    const c = console_();
    c.press('q');
    expect(c.exit).toHaveBeenCalledTimes(1);
    c.press('D');
    c.type('x');
    c.press('return', '2');
    c.press('q');
    expect(c.ui().overlay).toBe('confirm-quit');
    c.press('n');
    expect(c.ui().overlay).toBe('none');
    c.press('q', 'y');
    expect(c.exit).toHaveBeenCalledTimes(2);
  });

  it('says why on the status line when the journal refuses a record, and keeps going', () => {
    const c = console_();
    c.press('D');
    c.type('x');
    c.press('return', '2');
    const path = join(c.stateDir, 'incidents', `${c.store.getState().incident.active?.id}.jsonl`);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `garbage\n${text}`);
    c.press('n');
    c.type('lost?');
    c.press('return');
    expect(c.ui().message).toMatch(/could not record the note: the journal of .* is damaged at line 1/);
    expect(existsSync(path)).toBe(true);
  });
});

describe('logs controller', () => {
  it('pauses, scrolls, filters live, restores the filter on Esc and pivots on a request id', () => {
    const c = console_();
    c.press('f');
    expect(c.ui().followLogs).toBe(false);
    const anchor = c.ui().logAnchor as number;
    c.press('k', 'k');
    expect(c.ui().logAnchor).toBe(anchor - 2);
    c.press('G');
    expect(c.ui().followLogs).toBe(true);
    c.press('/');
    c.type('level:error');
    expect(c.ui().logQuery).toBe('level:error');
    c.press('escape');
    expect(c.ui().logQuery).toBe('');
    c.press('r');
    expect(c.ui().logQuery).toBe('rid:req-39');
    c.press('escape');
    expect(c.ui().logQuery).toBe('');
  });
});

describe('containers pane', () => {
  it('Enter folds and unfolds the selected group; the movement keys move within the pane', () => {
    const c = console_();
    const status = (name: string, host: string) => ({
      id: `${host}/${name}`,
      name,
      host,
      kind: 'docker' as const,
      state: 'running' as const,
      health: 'none' as const,
      restarts: 0,
    });
    c.ingest.sink({ type: 'container', status: status('web-1', 'edge') });
    c.ingest.sink({ type: 'container', status: status('db-1', 'core') });
    c.ingest.flush(c.now + 1000);
    c.press('1', 'g');
    expect(c.ui().containerCursor).toBe(0);
    c.press('return');
    expect(c.ui().collapsedGroups).toHaveLength(1);
    c.press('return');
    expect(c.ui().collapsedGroups).toEqual([]);
    c.press('j');
    expect(c.ui().containerCursor).toBe(1);
  });
});

describe('palette controller', () => {
  it('finds an action by part of its name and runs it', () => {
    const c = console_();
    c.press(':');
    expect(c.ui().overlay).toBe('palette');
    c.type('timeline');
    c.press('return');
    expect(c.ui().overlay).toBe('none');
    expect(c.ui().view).toBe('timeline');
  });
});

describe('triage controller and session', () => {
  it('opens the playbook an alert names (its runbook_url) from the alerts view, the triage tree otherwise', () => {
    const c = console_({ triage: true });
    const at = Date.now() - 60_000;
    const alert = (name: string, annotations: Record<string, string>): Alert => ({
      fingerprint: name,
      name,
      state: 'firing',
      severity: 'critical',
      labels: { alertname: name, service: 'api' },
      annotations,
      startsAt: at,
      silencedBy: [],
    });
    c.store.setState({
      alerts: {
        list: [
          alert('BadDeploy', { runbook_url: 'https://wiki.example/runbooks/emergency-rollback.md' }),
          alert('Unknown', { runbook_url: 'https://wiki.example/runbooks/not-shipped' }),
        ],
        at,
      },
    });
    c.press('A', 'D', 'return', 'return');
    c.press('T');
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
    expect(c.ui().message).toBe('BadDeploy names the emergency-rollback playbook');
    c.press('escape', 'A', 'j', 'T');
    // An alert naming no shipped playbook keeps the run in progress.
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
  });

  it('proposes the answer from live data, records it as confirmed, and moves on', () => {
    const c = console_({ triage: true });
    c.press('T');
    expect(c.ui().message).toMatch(/declare an incident first/);
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press('T');
    expect(c.ui().view).toBe('triage');
    const first = c.store.getState().triage;
    expect(first?.kind).toBe('question');
    expect(first?.proposal).toBeDefined();
    const verdict = first?.proposal?.verdict;
    if (verdict === 'yes' || verdict === 'no') {
      c.press('return');
      const answered = c.records().filter((r) => r.kind === 'decision.answered');
      expect(answered.at(-1)?.payload).toMatchObject({ how: 'proposed from live data, confirmed' });
      expect(c.store.getState().triage?.nodeId).not.toBe(first?.nodeId);
    } else {
      c.press('y');
      expect(c.records().some((r) => r.kind === 'decision.answered')).toBe(true);
    }
    c.press('escape');
    expect(c.ui().view).toBe('dashboard');
    c.triage?.stop();
  });

  it('opens any playbook by name from the palette, and T on a finished triage walks it again', () => {
    const c = console_({ triage: true });
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press(':');
    c.type('rollback');
    expect(c.controls.paletteEntries('rollback')[0]?.label).toBe(
      'open playbook: Emergency rollback (emergency-rollback)',
    );
    c.press('return');
    expect(c.ui().view).toBe('triage');
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
    expect(c.records().findLast((r) => r.kind === 'decision.answered')?.payload).toMatchObject({
      answer: 'Emergency rollback',
      how: 'chosen by name from the palette',
    });
    // Walk the triage to an end (not degraded, not planned, not capacity): keep investigating.
    c.press(':');
    c.type('open playbook: triage');
    c.press('return');
    c.press('n', 'n', 'n');
    expect(c.store.getState().triage?.text).toBe('Keep investigating — do not roll back');
    c.press('return');
    expect(c.ui().message).toMatch(/T walks the triage again/);
    c.press('T');
    expect(c.ui().message).toBe('walking the triage again');
    expect(c.store.getState().triage?.nodeId).toBe('degraded');
    c.triage?.stop();
  });

  it('shows an outcome in full at 80 columns, and what the watch waits for', () => {
    const c = console_({ triage: true });
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press('T');
    // Severe, but not an outage nor minor nor the infrastructure; the trigger has not held.
    c.press('y', 'n', 'n', 'n', 'n', 'n', 'n');
    const view = c.store.getState().triage;
    expect(view?.nodeId).toBe('go-watch-and-prepare');
    const rows = triageLines(view as NonNullable<typeof view>, c.now).flatMap((l) => wrapLine(l.text, 80));
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(80);
    const text = rows.map((r) => r.trim()).join(' ');
    expect(text).toContain(
      'The console keeps watching the trigger and proposes the rollback when it holds; roll back sooner if you judge it.',
    );
    expect(text).toMatch(/Watching: api error-ratio-sustained (pending|ok)/);
    expect(text).toContain('Enter: roll back now, with the emergency-rollback playbook');
    c.press('return');
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
    c.triage?.stop();
  });
});

describe('resolving against the data', () => {
  it('asks first while a rule fires or a verification was skipped, and the record says it was resolved despite it', () => {
    const c = console_();
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.incident.record('step.skipped', {
      playbook: 'emergency-rollback',
      step: 'Health checks pass again',
      reason: 'skipped by the operator',
      verification: true,
    });
    c.press('S', '4');
    expect(c.ui().prompt?.purpose).toBe('resolve-anyway');
    expect(c.ui().prompt?.details).toEqual([
      'api: error-ratio-critical is firing (5xx ratio above 5% for 2m00s)',
      'verification failed or skipped: Health checks pass again',
    ]);
    c.press('n');
    expect(c.store.getState().incident.active?.status).not.toBe('resolved');
    c.press('S', '4', 'y');
    expect(c.store.getState().incident.active?.status).toBe('resolved');
    expect(c.records().findLast((r) => r.kind === 'incident.status')?.payload).toMatchObject({
      status: 'resolved',
      despite: [
        'api: error-ratio-critical is firing (5xx ratio above 5% for 2m00s)',
        'verification failed or skipped: Health checks pass again',
      ],
    });
  });
});
