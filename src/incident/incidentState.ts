import type { AlertMatcher } from '../model/alerts';
import { type IncidentStatus, isSeverity, isStatus, type Severity } from '../model/incident';
import {
  eventTime,
  type JournalDamage,
  type JournalRecord,
  recordsOf,
  type UnreadableRecord,
} from '../model/journalRecord';

export interface IncidentNote {
  seq: number;
  at: number;
  actor: string;
  text: string;
  actionItem: boolean;
}

/** An alert the incident is linked to (declared from it, or linked later), by fingerprint. */
export interface LinkedAlert {
  name: string;
  labels: Record<string, string>;
  startsAt: number;
  resolvedAt?: number;
}

/** A silence created for the incident, until it is expired. */
export interface IncidentSilence {
  id: string;
  matchers: AlertMatcher[];
  endsAt: number;
  expired: boolean;
}

/** An incident as the fold of its journal: nothing here is stored anywhere else. */
export interface IncidentState {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  commander: string;
  roles: Record<string, string>;
  declaredAt: number;
  /** When impact began, if the declaration said so. */
  startedAt?: number;
  resolvedAt?: number;
  responders: string[];
  notes: IncidentNote[];
  starred: Set<number>;
  records: JournalRecord[];
  linkedAlerts: Record<string, LinkedAlert>;
  silences: IncidentSilence[];
  /** Records whose payload could not be read: left out of the state, listed in the draft. */
  unreadable: UnreadableRecord[];
  /** Where the journal's hash chain first breaks, when it does: shown wherever the incident is. */
  damage?: JournalDamage;
}

/** What a read of the journal found wrong besides the records themselves. */
export interface JournalProblems {
  damage?: JournalDamage;
  unreadable?: UnreadableRecord[];
}

/** The incident its journal describes, or undefined when it has no declaration. */
export function foldIncident(
  id: string,
  records: JournalRecord[],
  problems: JournalProblems = {},
): IncidentState | undefined {
  const first = recordsOf(records, 'incident.declared')[0];
  if (!first) return undefined;
  const p = first.payload;
  const declared: IncidentState = {
    id,
    title: p.title,
    severity: isSeverity(p.severity) ? p.severity : 'P2',
    status: 'investigating',
    commander: p.commander,
    roles: {},
    declaredAt: Date.parse(first.ts),
    ...(p.startedAt && { startedAt: Date.parse(p.startedAt) }),
    responders: [],
    notes: [],
    starred: new Set(),
    records: [],
    linkedAlerts: {},
    silences: [],
    unreadable: [],
  };
  return applyRecords(declared, records, problems);
}

/**
 * The state after `added` records, appended after those already folded: only the new records are
 * applied (a console that records for hours never re-reads its whole journal). `state` is left as
 * it was; what changes is copied.
 */
export function applyRecords(
  state: IncidentState,
  added: JournalRecord[],
  problems: JournalProblems = {},
): IncidentState {
  const next: IncidentState = {
    ...state,
    roles: { ...state.roles },
    notes: [...state.notes],
    starred: new Set(state.starred),
    records: [...state.records, ...added],
    linkedAlerts: { ...state.linkedAlerts },
    silences: [...state.silences],
    unreadable: [...state.unreadable, ...(problems.unreadable ?? [])],
    ...((problems.damage ?? state.damage) && { damage: state.damage ?? problems.damage }),
  };
  const responders = new Set(state.responders);
  for (const r of added) {
    responders.add(r.actor.split('@')[0] as string);
    switch (r.kind) {
      case 'incident.severity':
        if (isSeverity(r.payload.severity)) next.severity = r.payload.severity;
        break;
      case 'incident.status':
        if (isStatus(r.payload.status)) {
          next.status = r.payload.status;
          if (next.status === 'resolved') next.resolvedAt = eventTime(r);
          else delete next.resolvedAt;
        }
        break;
      case 'incident.role':
        next.roles[r.payload.role] = r.payload.person;
        if (r.payload.role === 'commander') next.commander = r.payload.person;
        break;
      case 'note':
        next.notes.push({
          seq: r.seq,
          at: eventTime(r),
          actor: r.actor,
          text: r.payload.text,
          actionItem: r.payload.actionItem,
        });
        break;
      case 'note.action-item': {
        const i = next.notes.findIndex((n) => n.seq === r.payload.noteSeq);
        const note = next.notes[i];
        if (note) next.notes[i] = { ...note, actionItem: true };
        break;
      }
      case 'event.starred':
        if (r.payload.starred) next.starred.add(r.payload.eventSeq);
        else next.starred.delete(r.payload.eventSeq);
        break;
      case 'alert.firing': {
        const p = r.payload;
        next.linkedAlerts[p.fingerprint] = { name: p.name, labels: p.labels, startsAt: eventTime(r) };
        break;
      }
      case 'alert.resolved': {
        const linked = next.linkedAlerts[r.payload.fingerprint];
        if (linked) next.linkedAlerts[r.payload.fingerprint] = { ...linked, resolvedAt: eventTime(r) };
        break;
      }
      case 'silence.result':
        if (r.payload.silenceId)
          next.silences.push({
            id: r.payload.silenceId,
            matchers: r.payload.matchers,
            endsAt: Date.parse(r.payload.endsAt ?? '') || 0,
            expired: false,
          });
        break;
      case 'silence.expired': {
        const i = next.silences.findIndex((x) => x.id === r.payload.silenceId);
        const silence = next.silences[i];
        if (silence && !r.payload.error) next.silences[i] = { ...silence, expired: true };
        break;
      }
      default:
        break;
    }
  }
  next.responders = [...responders].sort();
  return next;
}
