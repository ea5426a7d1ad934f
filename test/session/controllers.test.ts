import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alerts';
import { helpBindings, KEYMAP } from '../../src/session/keymap';
import { visibleTimeline } from '../../src/store/selectors';
import { timelineEntryLines } from '../../views/TimelinePane';
import { controlledConsole as console_ } from '../helpers/controlledConsole';

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
    // Enter shows the selected event whole, wrapped, with its marks; Esc goes back to the list.
    c.press('return');
    expect(c.ui()).toMatchObject({ overlay: 'detail', detailOf: 'timeline' });
    const entry = visibleTimeline(c.store.getState())[c.ui().timelineCursor];
    expect(timelineEntryLines(entry)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\S+Z · note · starred, an action item$/),
      '',
      expect.stringContaining('rolled back'),
    ]);
    c.press('escape');
    expect(c.ui()).toMatchObject({ overlay: 'none', view: 'timeline' });
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
});
