import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { buildPostmortem, describeRecord, renderPostmortemMarkdown } from '../export/postmortem';
import { createRedactor, redactDeep } from '../export/redact';
import { ensurePrivateDir, writeFileAtomic } from '../files/privateFiles';
import type { NotableEvent } from '../store/consoleStore';
import type { IncidentRepository } from './incidentRepository';
import { foldIncident, type IncidentState, type IncidentStatus, type Severity } from './incidentState';
import { readJournal } from './journal';
import { describeDamage, eventTime, type JournalRecord, type RecordKind } from './journalRecord';
import { IncidentRecorder } from './recorder';

/** What the timeline view shows of one journal record. */
export interface TimelineEntry {
  seq: number;
  at: number;
  kind: RecordKind;
  text: string;
  evidence: string;
  starred: boolean;
  actionItem: boolean;
}

export interface ActiveIncident {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  commander: string;
  /** Set when the journal cannot be trusted or read: what is wrong and how to fix it. */
  journalProblem?: string;
}

/** Receives the incident's state after every acknowledged record (the store, in the console). */
export type IncidentListener = (active: ActiveIncident | undefined, timeline: TimelineEntry[]) => void;

/** Observations kept before any incident is declared, journaled (with their times) at declaration. */
const PRE_INCIDENT_WINDOW_MS = 30 * 60_000;

function notableKind(e: NotableEvent): RecordKind {
  switch (e.kind) {
    case 'rule-fired':
      return 'rule.fired';
    case 'rule-cleared':
      return 'rule.cleared';
    case 'release':
      return 'release';
    case 'source':
      return 'source.state';
    case 'container':
      return 'container.state';
    case 'note':
      return 'note';
  }
}

export function timelineOf(state: IncidentState): TimelineEntry[] {
  const actionItems = new Set(state.notes.filter((n) => n.actionItem).map((n) => n.seq));
  return state.records
    .filter((r) => r.kind !== 'metrics.snapshot')
    .map((r) => ({
      seq: r.seq,
      at: eventTime(r),
      kind: r.kind,
      ...describeRecord(r),
      starred: state.starred.has(r.seq),
      actionItem: actionItems.has(r.seq),
    }))
    .sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/**
 * The console's link to the incident journal. Everything the operator does and every notable
 * observation goes through `record`, which returns after the record is on disk; only then is the
 * new state handed to the listener (and so shown).
 */
export class IncidentSession {
  private recorder: IncidentRecorder | undefined;
  private state: IncidentState | undefined;
  private activeId: string | undefined;
  private preIncident: NotableEvent[] = [];

  constructor(
    private readonly repo: IncidentRepository,
    private readonly secrets: string[],
    private readonly listener: IncidentListener,
  ) {}

  /** Picks up the open incident, if any: after an SSH drop that is the normal case. */
  resume(): ActiveIncident | undefined {
    const active = this.repo.active();
    if (active) this.attach(active.id);
    return this.active;
  }

  get active(): ActiveIncident | undefined {
    const s = this.state;
    const problem =
      this.readError ??
      (s?.damage &&
        `journal damaged at ${describeDamage(s.damage)}; recording is off until \`opsconsole incident repair ${s.id}\``);
    return (
      s && {
        id: s.id,
        title: s.title,
        severity: s.severity,
        status: s.status,
        commander: s.commander,
        ...(problem && { journalProblem: problem }),
      }
    );
  }

  declare(title: string, severity: Severity): ActiveIncident {
    const { id } = this.repo.declare({ title: createRedactor(this.secrets)(title), severity });
    this.attach(id);
    const backlog = this.preIncident;
    this.preIncident = [];
    for (const e of backlog) this.record(notableKind(e), { ...e.data, text: e.text }, e.at);
    return this.active as ActiveIncident;
  }

  observe(events: NotableEvent[]): void {
    if (this.recorder) {
      for (const e of events) this.record(notableKind(e), { ...e.data, text: e.text }, e.at);
      return;
    }
    const horizon = Date.now() - PRE_INCIDENT_WINDOW_MS;
    this.preIncident = [...this.preIncident.filter((e) => e.at >= horizon), ...events].slice(-500);
  }

  note(text: string, actionItem = false): void {
    this.record('note', { text, actionItem });
  }

  setStatus(status: IncidentStatus): void {
    this.record('incident.status', { status });
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

  pin(source: string, line: string, context: string[], eventAt: number): void {
    this.record('log.pinned', { source, line, context }, eventAt);
  }

  /** Records anything; without an open incident there is nowhere to record, so it returns undefined. */
  record(kind: RecordKind, payload: Record<string, unknown>, at?: number): JournalRecord | undefined {
    if (!this.recorder || !this.state) return undefined;
    const r = this.recorder.record(kind, payload, at);
    this.reload();
    return r;
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

  private attach(id: string): void {
    this.recorder = new IncidentRecorder(this.repo.open(id), this.secrets);
    this.activeId = id;
    this.stopWatching();
    // Other processes (`opsconsole incident note` from another SSH session) append to the same
    // journal; a light poll of its size brings their records in.
    const path = this.repo.pathOf(id);
    const onChange = (cur: Stats, prev: Stats) => {
      if (cur.size !== prev.size) this.reload();
    };
    watchFile(path, { interval: 1000, persistent: false }, onChange);
    this.stopWatching = () => unwatchFile(path, onChange);
    this.reload();
  }

  private stopWatching: () => void = () => {};

  /**
   * Re-folds the whole journal: the state always equals what is on disk, whoever wrote it. A journal
   * that cannot be read keeps the last state shown, with the reason, rather than stopping the console.
   */
  private reload(): void {
    if (!this.activeId) return;
    try {
      const { records, damage } = readJournal(this.repo.pathOf(this.activeId));
      this.state = foldIncident(this.activeId, records, damage) ?? this.state;
      this.readError = undefined;
    } catch (err) {
      this.readError = (err as Error).message.replace(/^opsconsole: /, '').split('\n')[0];
    }
    this.publish();
  }

  private readError: string | undefined;

  close(): void {
    this.stopWatching();
  }

  private publish(): void {
    this.listener(this.active, this.state ? timelineOf(this.state) : []);
  }
}
