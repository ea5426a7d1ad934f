import { join } from 'node:path';
import { buildPostmortem, renderPostmortemMarkdown } from '../export/postmortem';
import { ensurePrivateDir, writeFileAtomic } from '../files/privateFiles';
import {
  applyRecords,
  foldIncident,
  type IncidentSilence,
  type IncidentState,
} from '../incident/incidentState';
import type { IncidentStore } from '../incident/incidentStore';
import { JOURNAL_START, type JournalCursor } from '../incident/journalChain';
import { IncidentRecorder } from '../incident/recorder';
import { timelineOf } from '../incident/timeline';
import type { Alert } from '../model/alerts';
import type { Diagnosis } from '../model/diagnosis';
import {
  type ActiveIncident,
  type IncidentStatus,
  type Severity,
  STEP_DRIVER_ROLE,
  type TimelineEntry,
} from '../model/incident';
import {
  describeDamage,
  type JournalRecord,
  type PayloadInput,
  type RecordKind,
} from '../model/journalRecord';
import type { NotableEvent } from '../model/notableEvent';
import { createRedactor, redactDeep } from '../text/redact';
import { firstLineOf } from '../userError';

/** Receives the incident's state after every acknowledged record (the store, in the console). */
export type IncidentListener = (active: ActiveIncident | undefined, timeline: TimelineEntry[]) => void;

/** Observations kept before any incident is declared, journaled (with their times) at declaration. */
const PRE_INCIDENT_WINDOW_MS = 30 * 60_000;

/**
 * The console's link to the incident journal. Everything the operator does and every notable
 * observation goes through `record`, which returns after the record is on disk; only then is the
 * new state handed to the listener (and so shown). Records other processes append are picked up by
 * a light poll of the file's size; each read takes only the bytes appended since the last one.
 */
export class IncidentSession {
  private recorder: IncidentRecorder | undefined;
  private state: IncidentState | undefined;
  private activeId: string | undefined;
  private cursor: JournalCursor = JOURNAL_START;
  private readError: string | undefined;
  private preIncident: NotableEvent[] = [];
  /** Silencing done with no incident open, recorded at its own times by the next declaration. */
  private preIncidentSilencing: { kind: RecordKind; payload: PayloadInput<RecordKind>; at: number }[] = [];
  private stopWatching: () => void = () => {};
  private readonly recordedListeners: ((record: JournalRecord, state: IncidentState) => void)[] = [];

  constructor(
    private readonly repo: IncidentStore,
    private readonly secrets: string[],
    private readonly listener: IncidentListener,
  ) {}

  /** Picks up the open incident, if any: after an SSH drop that is the normal case. */
  resume(): ActiveIncident | undefined {
    const active = this.repo.active();
    if (active) this.attach(active.id);
    return this.active;
  }

  /** The open incident's whole state (its times, for the recording's kept range). */
  get current(): IncidentState | undefined {
    return this.state;
  }

  get active(): ActiveIncident | undefined {
    const s = this.state;
    if (!s) return undefined;
    const problem =
      this.readError ??
      (s.damage &&
        `journal damaged at ${describeDamage(s.damage)}; recording is off until \`opsconsole incident repair ${s.id}\``) ??
      this.repo.status();
    return {
      id: s.id,
      title: s.title,
      severity: s.severity,
      status: s.status,
      commander: s.commander,
      ...(s.roles[STEP_DRIVER_ROLE] && { stepDriver: s.roles[STEP_DRIVER_ROLE] }),
      ...(problem && { journalProblem: problem }),
    };
  }

  declare(title: string, severity: Severity): ActiveIncident {
    const { id } = this.repo.declare({ title: createRedactor(this.secrets)(title), severity });
    this.attach(id);
    const declared = this.state?.records.find((r) => r.kind === 'incident.declared');
    if (declared) this.told(declared);
    const backlog = this.preIncident;
    this.preIncident = [];
    for (const e of backlog) this.recordNotable(e);
    const silencing = this.preIncidentSilencing.filter((r) => r.at >= Date.now() - PRE_INCIDENT_WINDOW_MS);
    this.preIncidentSilencing = [];
    for (const r of silencing) this.record(r.kind, r.payload, r.at);
    return this.active as ActiveIncident;
  }

  /**
   * Where silencing is journaled while no incident is open: kept, and recorded when one is declared,
   * at the time it happened. A silence made while deciding whether to declare belongs to the
   * incident (its expiry is offered on resolving, the timeline shows when it was made).
   */
  get silencingBeforeDeclaring(): {
    record(kind: RecordKind, payload: PayloadInput<RecordKind>, at?: number): void;
  } {
    return {
      record: (kind, payload, at = Date.now()) => {
        this.preIncidentSilencing = [...this.preIncidentSilencing, { kind, payload, at }].slice(-50);
      },
    };
  }

  observe(events: NotableEvent[]): void {
    if (this.recorder) {
      for (const e of events) this.recordNotable(e);
      return;
    }
    const horizon = Date.now() - PRE_INCIDENT_WINDOW_MS;
    this.preIncident = [...this.preIncident.filter((e) => e.at >= horizon), ...events].slice(-500);
  }

  private recordNotable(e: NotableEvent): void {
    switch (e.kind) {
      // A rule the record already has firing is not fired again (a restarted console judges it
      // anew, from what it reads back), nor is one it never had firing cleared.
      case 'rule-fired':
        if (!this.firingOnRecord(e.data)) this.record('rule.fired', { ...e.data, text: e.text }, e.at);
        break;
      case 'rule-cleared':
        if (this.firingOnRecord(e.data)) this.record('rule.cleared', { ...e.data, text: e.text }, e.at);
        break;
      case 'release':
        this.record('release', { ...e.data, text: e.text }, e.at);
        break;
      case 'source':
        this.record('source.state', { ...e.data, text: e.text }, e.at);
        break;
      case 'container':
        this.record('container.state', { ...e.data, text: e.text }, e.at);
        break;
      case 'cluster-event':
        this.record('cluster.event', { ...e.data, text: e.text }, e.at);
        break;
    }
  }

  note(text: string, actionItem = false): void {
    this.record('note', { text, actionItem });
  }

  /** `despite`: what argued against the change, when the operator confirmed it anyway. */
  setStatus(status: IncidentStatus, despite: string[] = []): void {
    this.record('incident.status', { status, ...(despite.length > 0 && { despite }) });
  }

  /**
   * Verifications of this incident whose last word is a failure or a skip: the effect of the step
   * before them is unproven (a later pass of the same step settles it).
   */
  unprovenVerifications(): string[] {
    const last = new Map<string, boolean>();
    for (const r of this.state?.records ?? []) {
      if (r.kind === 'verify.result') last.set(r.payload.step, r.payload.passed);
      else if (r.kind === 'step.skipped' && r.payload.verification) last.set(r.payload.step, false);
    }
    return [...last].filter(([, passed]) => !passed).map(([step]) => step);
  }

  setSeverity(severity: Severity): void {
    this.record('incident.severity', { severity });
  }

  toggleStar(seq: number): void {
    this.record('event.starred', { eventSeq: seq, starred: !this.state?.starred.has(seq) });
  }

  markActionItem(noteSeq: number): boolean {
    const note = this.state?.notes.find((n) => n.seq === noteSeq);
    if (!note || note.actionItem) return false;
    this.record('note.action-item', { noteSeq });
    return true;
  }

  /** Links alerts to the incident, each once, at its startsAt (when it fired): the detection time. */
  linkAlerts(alerts: readonly Alert[]): number {
    const linked = this.state?.linkedAlerts ?? {};
    let added = 0;
    for (const a of alerts) {
      if (linked[a.fingerprint]) continue;
      this.record(
        'alert.firing',
        {
          fingerprint: a.fingerprint,
          name: a.name,
          state: a.state,
          severity: a.severity,
          labels: a.labels,
          ...(a.annotations.summary && { summary: a.annotations.summary }),
        },
        a.startsAt || undefined,
      );
      added++;
    }
    return added;
  }

  /** Records the data's account as it stands (the draft suggests its Trigger and Root cause from it). */
  recordDiagnosis(d: Diagnosis): void {
    const iso = (t: number) => new Date(t).toISOString();
    this.record('diagnosis', {
      summary: d.summary,
      ...(d.errorsBeganAt !== undefined && { errorsBeganAt: iso(d.errorsBeganAt) }),
      ...(d.change && { change: { ...d.change, at: iso(d.change.at) } }),
      patterns: d.patterns.map((p) => ({ ...p, firstSeen: iso(p.firstSeen) })),
      ...(d.origin && { origin: d.origin }),
    });
  }

  /** Records, once, each linked alert Alertmanager no longer holds: it has resolved. */
  observeAlerts(current: readonly Alert[]): void {
    const linked = this.state?.linkedAlerts;
    if (!linked || this.state?.status === 'resolved') return;
    const held = new Set(current.map((a) => a.fingerprint));
    for (const [fingerprint, a] of Object.entries(linked))
      if (a.resolvedAt === undefined && !held.has(fingerprint))
        this.record('alert.resolved', { fingerprint, name: a.name, labels: a.labels });
  }

  /** The silences made for this incident that have not been expired (nor run out). */
  activeSilences(now = Date.now()): IncidentSilence[] {
    return (this.state?.silences ?? []).filter((s) => !s.expired && s.endsAt > now);
  }

  /** Whether the open incident's record has this service's rule firing (fired, not cleared since). */
  private firingOnRecord(data: { service: string; rule: string }): boolean {
    let firing = false;
    for (const r of this.state?.records ?? []) {
      if (r.kind !== 'rule.fired' && r.kind !== 'rule.cleared') continue;
      const p = r.payload as Record<string, unknown>;
      if (p.service === data.service && p.rule === data.rule) firing = r.kind === 'rule.fired';
    }
    return firing;
  }

  /** Whether the open incident's record already holds this request's trail. */
  hasTrail(requestId: string): boolean {
    return (this.state?.records ?? []).some(
      (r) => r.kind === 'log.trail' && r.payload.requestId === requestId,
    );
  }

  pin(source: string, line: string, context: string[], eventAt: number): void {
    this.record('log.pinned', { source, line, context }, eventAt);
  }

  /** Records anything; without an open incident there is nowhere to record, so it returns undefined. */
  record<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord | undefined {
    if (!this.recorder || !this.state) return undefined;
    const r = this.recorder.record(kind, payload, at);
    this.catchUp();
    this.told(r);
    return r;
  }

  /**
   * Hears every record this process appends, with the incident as it stands after it (chat
   * updates): records other processes write are theirs to tell.
   */
  onRecorded(listener: (record: JournalRecord, state: IncidentState) => void): () => void {
    this.recordedListeners.push(listener);
    return () => this.recordedListeners.splice(this.recordedListeners.indexOf(listener), 1);
  }

  private told(r: JournalRecord): void {
    const state = this.state;
    if (state) for (const l of this.recordedListeners) l(r, state);
  }

  /** Writes the draft under the state directory and records where. */
  exportDraft(stateDir: string): string | undefined {
    if (!this.state) return undefined;
    const dir = join(stateDir, 'exports');
    ensurePrivateDir(dir);
    const path = join(dir, `${this.state.id}.md`);
    writeFileAtomic(
      path,
      renderPostmortemMarkdown(redactDeep(buildPostmortem(this.state), createRedactor(this.secrets))),
    );
    this.record('export.written', { path, format: 'md' });
    return path;
  }

  close(): void {
    this.stopWatching();
  }

  private attach(id: string): void {
    this.recorder = new IncidentRecorder(this.repo.open(id), this.secrets);
    this.activeId = id;
    this.stopWatching();
    this.stopWatching = this.repo.watch(id, () => this.catchUp());
    this.state = undefined;
    this.cursor = JOURNAL_START;
    this.catchUp();
  }

  /**
   * Applies what was appended since the last read. A file that no longer continues from there (a
   * repair rewrote it) is read again whole. One that cannot be read keeps the last state shown,
   * with the reason, rather than stopping the console.
   */
  private catchUp(): void {
    const id = this.activeId;
    if (!id) return;
    try {
      let delta = this.repo.readFrom(id, this.cursor);
      if (delta.restart || !this.state) {
        delta = this.repo.readFrom(id, JOURNAL_START);
        this.state = foldIncident(id, delta.records, delta) ?? this.state;
      } else if (delta.records.length > 0 || delta.damage || delta.unreadable.length > 0) {
        this.state = applyRecords(this.state, delta.records, delta);
      }
      this.cursor = delta.cursor;
      this.readError = undefined;
    } catch (err) {
      this.readError = firstLineOf(err);
    }
    this.listener(this.active, this.state ? timelineOf(this.state) : []);
  }
}
