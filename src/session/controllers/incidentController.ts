import { originService } from '../../logs/requestOrigins';
import { matcherText, proposedSeverity } from '../../model/alerts';
import { type IncidentStatus, isSeverity, isStatus, SEVERITIES, STATUSES } from '../../model/incident';
import { RECORD_KINDS, type RecordKind } from '../../model/journalRecord';
import { announce } from '../../store/consoleStore';
import { lastReleases } from '../../store/patternRows';
import { alertGroups, visibleTimeline } from '../../store/selectors';
import { firstLineOf } from '../../userError';
import type { IncidentSession } from '../incidentSession';
import { keepRequestTrail } from '../requestTrails';
import type { Controller, ControllerContext } from './controllerContext';
import { selectedLogLine } from './logsController';

const severityChoices = () =>
  Object.entries(SEVERITIES).map(([k, d], i) => ({ key: String(i), label: `${k}  ${d}`, value: k }));

/** A proposed severity and where it comes from: Enter accepts it, a number picks another. */
const severityProposal = (proposal: { severity: string; why: string } | undefined) =>
  proposal
    ? { label: `Severity (Enter: ${proposal.severity}, from ${proposal.why})`, value: proposal.severity }
    : { label: 'Severity', value: '' };

/**
 * What a declaration starts from: the selected alert in the alerts view, else the firing rule (the
 * most severe), named after the change the data points at when there is one.
 */
function declarationSource(ctx: ControllerContext) {
  const state = ctx.store.getState();
  if (state.ui.view === 'alerts') {
    const alert = alertGroups(state).selected;
    if (!alert) return undefined;
    const severity = proposedSeverity(alert.severity, ctx.alertmanager?.severities);
    return {
      title: `${alert.name}${alert.service ? ` on ${alert.service}` : ''}`,
      ...(severity && { severity: { severity, why: `severity=${alert.severity}` } }),
    };
  }
  const origin = originService(state.origins);
  const releases = lastReleases(state);
  const changed = state.diagnosis?.change?.service;
  const firing = Object.values(state.signals)
    .flatMap((s) => s.rules.filter((r) => r.state !== 'ok').map((r) => ({ service: s.service, rule: r })))
    // A firing rule before a pending one (declared early, the title is still the breach); then
    // where the failures start first (the others are downstream of it), then the service of the
    // change the diagnosis names (before the origin is known, its neighbours may breach first), then
    // the most severe, then a service that changed (a release is the likelier cause than its
    // neighbours' failures), then the one furthest over its line.
    .sort(
      (a, b) =>
        Number(b.rule.state === 'firing') - Number(a.rule.state === 'firing') ||
        Number(b.service === origin) - Number(a.service === origin) ||
        Number(b.service === changed) - Number(a.service === changed) ||
        Number(b.rule.severity === 'critical') - Number(a.rule.severity === 'critical') ||
        Number(releases.has(b.service)) - Number(releases.has(a.service)) ||
        (b.rule.value ?? 0) - (a.rule.value ?? 0),
    )[0];
  if (!firing) return undefined;
  // The change the diagnosis names, else the service's own latest release.
  const change =
    state.diagnosis?.change?.service === firing.service
      ? state.diagnosis.change
      : releases.get(firing.service)?.data;
  const what = firing.rule.id.startsWith('error-ratio') ? '5xx' : firing.rule.description;
  return {
    title: change
      ? `${firing.service} ${what} after ${change.to}`
      : `${firing.service}: ${firing.rule.description}`,
    severity: {
      severity: firing.rule.severity === 'critical' ? 'P1' : 'P2',
      why: `the ${firing.rule.severity} rule ${firing.rule.state}`,
    },
  };
}

/** How many of a group's alerts an incident declared from it links (the most severe, oldest first). */
const LINKED_ALERTS = 50;

/** The incident: declaring it, notes, status and severity, the timeline, pins and the draft. */
export function incidentController(ctx: ControllerContext) {
  const { store, ui, setUi, say, openPrompt, needIncident, journaled, incidentOpen } = ctx;
  const selectedEntry = () => visibleTimeline(store.getState())[ui().timelineCursor];
  /** In the alerts view, the alert group the operator is declaring from. */
  const selectedAlertGroup = () =>
    ui().view === 'alerts' ? alertGroups(store.getState()).selected : undefined;

  const actions = {
    declareIncident: () => {
      if (!ctx.incident) return;
      if (incidentOpen()) return say(`incident ${store.getState().incident.active?.id} is already open`);
      const from = declarationSource(ctx);
      openPrompt({
        purpose: 'declare-title',
        label: from ? 'Incident title (Enter accepts, edit to change)' : 'Incident title',
        value: from?.title ?? '',
      });
    },
    addNote: () => {
      if (needIncident('add a note')) openPrompt({ purpose: 'note', label: 'Note', value: '' });
    },
    /** H: the commander role goes to another person, on the record (`incident.role`). */
    handOver: () => {
      if (!needIncident('hand over the commander role')) return;
      const candidates = ctx.commanderCandidates?.();
      openPrompt({
        purpose: 'hand-over',
        label: `Hand the commander role to${candidates ? ` (${candidates.join(', ') || 'nobody else is connected'})` : ''}`,
        value: '',
      });
    },
    changeStatus: () => {
      if (!needIncident('change the status')) return;
      openPrompt({
        purpose: 'status',
        label: 'Status',
        value: '',
        choices: STATUSES.map((s, i) => ({ key: String(i + 1), label: s, value: s })),
      });
    },
    changeSeverity: () => {
      if (needIncident('change the severity'))
        openPrompt({ purpose: 'severity', label: 'Severity', value: '', choices: severityChoices() });
    },
    toggleTimeline: () => setUi({ view: ui().view === 'timeline' ? 'dashboard' : 'timeline' }),
    /** Moves the timeline's selection by `delta` rows. */
    moveTimeline: (delta = 0) => {
      const count = visibleTimeline(store.getState()).length;
      setUi({ timelineCursor: Math.max(0, Math.min(count - 1, ui().timelineCursor + delta)) });
    },
    /** Enter in the timeline: the selected event whole, wrapped, in the detail overlay. */
    showTimelineEntry: () => {
      if (selectedEntry()) setUi({ overlay: 'detail', detailOf: 'timeline' });
    },
    toggleStar: () => {
      const entry = selectedEntry();
      const session = needIncident('star an event');
      if (entry && session) journaled('the star', () => session.toggleStar(entry.seq));
    },
    markActionItem: () => {
      const entry = selectedEntry();
      const session = needIncident('mark an action item');
      if (!entry || !session) return;
      if (entry.kind !== 'note') return say('only notes can become action items');
      journaled('the action item', () =>
        say(session.markActionItem(entry.seq) ? 'marked as an action item' : 'already an action item'),
      );
    },
    cycleTimelineFilter: () => {
      const present = RECORD_KINDS.filter((k) =>
        store.getState().incident.timeline.some((e) => e.kind === k),
      );
      const current = ui().timelineFilter;
      const next: RecordKind | undefined =
        current === undefined ? present[0] : present[present.indexOf(current) + 1];
      setUi({ timelineFilter: next, timelineCursor: 0 });
      say(next ? `timeline: only ${next}` : 'timeline: everything');
    },
    pinLogLine: () => {
      const session = needIncident('pin a log line');
      const picked = selectedLogLine(ctx);
      if (!session || !picked) return;
      journaled('the pinned line', () => {
        session.pin(
          picked.record.source,
          picked.record.text,
          picked.context.map((c) => `${c.source}: ${c.text}`),
          picked.record.time,
        );
        say(`pinned a line of ${picked.record.source} to the timeline`);
      });
      // Its request's whole trail goes on the record too, from the log store when there is one.
      const rid = picked.record.requestId;
      if (rid)
        void keepRequestTrail(ctx, rid, 'pinned').catch((err: unknown) =>
          say(`could not record the trail of ${rid}: ${firstLineOf(err)}`),
        );
    },
    exportDraft: () => {
      const { incident, stateDir } = ctx;
      if (!incident || !stateDir || !store.getState().incident.active) return say('no incident to export');
      journaled('the export', () => say(`post-mortem draft written to ${incident.exportDraft(stateDir)}`));
    },
  };

  return {
    actions,
    prompts: {
      'declare-title': (value) => {
        // An empty title asks again (Esc cancels), with what the data proposes by now: a rule
        // pending when D was pressed may be firing a moment later.
        if (value === '')
          return openPrompt({
            purpose: 'declare-title',
            label: 'A title is needed (Esc cancels)',
            value: declarationSource(ctx)?.title ?? '',
          });
        openPrompt({
          purpose: 'declare-severity',
          ...severityProposal(declarationSource(ctx)?.severity),
          carry: value,
          choices: severityChoices(),
        });
      },
      'declare-severity': (value, prompt) => {
        const session = ctx.incident;
        if (!session || !isSeverity(value)) return;
        journaled('the declaration', () => {
          const active = session.declare(prompt.carry ?? 'incident', value);
          // Declared from an alert: its labels and start go on the record (the detection time in the
          // post-mortem), and its resolving is recorded when Alertmanager lets it go.
          const alert = selectedAlertGroup();
          if (alert) session.linkAlerts(alert.members.slice(0, LINKED_ALERTS));
          say(`declared ${active.id} (${active.severity}); n adds a note, t shows the timeline`);
        });
      },
      'hand-over': (value) => {
        const session = ctx.incident;
        if (!session || value === '') return say('hand-over cancelled');
        const candidates = ctx.commanderCandidates?.();
        if (candidates && !candidates.includes(value))
          return say(
            `${value} cannot take it: ${candidates.join(', ') || 'nobody else'} can (connected, not a viewer)`,
          );
        journaled('the hand-over', () => {
          session.record('incident.role', { role: 'commander', person: value });
          say(`${value} is the commander now`);
          // Told on their own screen, wherever they are looking (a shared console).
          const me = ui().me?.name;
          announce(
            store.shared,
            `${me ?? 'the commander'} handed you command of the incident`,
            value,
            store.getState().now,
          );
        });
      },
      note: (value) => {
        const session = ctx.incident;
        if (!session || value === '') return;
        journaled('the note', () => {
          session.note(value);
          say('note recorded');
        });
      },
      status: (value) => {
        const session = ctx.incident;
        if (!session || !isStatus(value)) return;
        const against = value === 'resolved' ? reasonsNotToResolve(ctx, session) : [];
        if (against.length > 0)
          return openPrompt({
            purpose: 'resolve-anyway',
            label: 'Resolve anyway? The record will say it was resolved despite this:',
            value: '',
            details: against,
            choices: [
              { key: 'y', label: 'yes, resolve anyway', value: 'yes' },
              { key: 'n', label: 'no, keep it open', value: 'no' },
            ],
          });
        setStatus(session, value);
      },
      'resolve-anyway': (value, prompt) => {
        const session = ctx.incident;
        if (!session || value !== 'yes') return say('not resolved');
        setStatus(session, 'resolved', prompt.details ?? []);
      },
      severity: (value) => {
        const session = ctx.incident;
        if (session && isSeverity(value)) journaled('the severity', () => session.setSeverity(value));
      },
    },
  } satisfies Controller<typeof actions>;

  function setStatus(session: IncidentSession, value: IncidentStatus, despite: string[] = []): void {
    journaled('the status', () => {
      session.setStatus(value, despite);
      say(`status: ${value}${despite.length > 0 ? ' (despite what the data says: on the record)' : ''}`);
    });
    const silences = value === 'resolved' && ctx.alertmanager ? session.activeSilences() : [];
    if (silences.length > 0)
      openPrompt({
        purpose: 'expire-silences',
        label: `Expire the ${silences.length} silence${silences.length === 1 ? '' : 's'} made for this incident?`,
        value: '',
        details: silences.map((x) => `${x.id}: ${x.matchers.map(matcherText).join(' ')}`),
        choices: [
          { key: 'y', label: 'yes, expire them now', value: 'yes' },
          { key: 'n', label: 'no, let them run out', value: 'no' },
        ],
      });
  }
}

/**
 * What argues against resolving now: a threshold rule still firing on a service, or a verification
 * of this incident that failed or was skipped (the fix is then unproven).
 */
function reasonsNotToResolve(ctx: ControllerContext, session: IncidentSession): string[] {
  const firing = Object.values(ctx.store.getState().signals).flatMap((s) =>
    s.rules
      .filter((r) => r.state === 'firing')
      .map((r) => `${s.service}: ${r.id} is firing (${r.description})`),
  );
  const unproven = session.unprovenVerifications().map((step) => `verification failed or skipped: ${step}`);
  return [...firing, ...unproven];
}

/** The names of this controller's actions, which its key bindings (`bindings/incidentBindings.ts`) name. */
export type IncidentAction = keyof ReturnType<typeof incidentController>['actions'];
