import { eventTime, type JournalDamage, type JournalRecord } from './journalRecord';

/** Severity levels as the runbooks define them. */
export const SEVERITIES = {
  P0: 'Critical: complete outage, data loss or security breach; page immediately',
  P1: 'High: a major feature broken or badly degraded for all users; page',
  P2: 'Medium: a feature broken for some users, minor degradation; fix within a day',
  P3: 'Low: edge case or cosmetic, few users affected; next sprint',
} as const;
export type Severity = keyof typeof SEVERITIES;

export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export function isSeverity(v: string): v is Severity {
  return Object.hasOwn(SEVERITIES, v);
}

export function isStatus(v: string): v is IncidentStatus {
  return (STATUSES as readonly string[]).includes(v);
}

export interface IncidentNote {
  seq: number;
  at: number;
  actor: string;
  text: string;
  actionItem: boolean;
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
  /** Where the journal's hash chain first breaks, when it does: shown wherever the incident is. */
  damage?: JournalDamage;
}

export function foldIncident(
  id: string,
  records: JournalRecord[],
  damage?: JournalDamage,
): IncidentState | undefined {
  const first = records.find((r) => r.kind === 'incident.declared');
  if (!first) return undefined;
  const p = first.payload as { title?: string; severity?: string; commander?: string; startedAt?: string };
  const state: IncidentState = {
    id,
    title: String(p.title ?? id),
    severity: isSeverity(String(p.severity)) ? (p.severity as Severity) : 'P2',
    status: 'investigating',
    commander: String(p.commander ?? first.actor),
    roles: {},
    declaredAt: Date.parse(first.ts),
    ...(p.startedAt && { startedAt: Date.parse(p.startedAt) }),
    responders: [],
    notes: [],
    starred: new Set(),
    records,
    ...(damage && { damage }),
  };
  const responders = new Set<string>();
  for (const r of records) {
    responders.add(r.actor.split('@')[0] as string);
    const payload = r.payload as Record<string, unknown>;
    switch (r.kind) {
      case 'incident.severity':
        if (isSeverity(String(payload.severity))) state.severity = payload.severity as Severity;
        break;
      case 'incident.status':
        if (isStatus(String(payload.status))) {
          state.status = payload.status as IncidentStatus;
          if (state.status === 'resolved') state.resolvedAt = eventTime(r);
          else delete state.resolvedAt;
        }
        break;
      case 'incident.role':
        state.roles[String(payload.role)] = String(payload.person);
        if (payload.role === 'commander') state.commander = String(payload.person);
        break;
      case 'note':
        state.notes.push({
          seq: r.seq,
          at: eventTime(r),
          actor: r.actor,
          text: String(payload.text ?? ''),
          actionItem: payload.actionItem === true,
        });
        break;
      case 'note.action-item': {
        const note = state.notes.find((n) => n.seq === payload.noteSeq);
        if (note) note.actionItem = true;
        break;
      }
      case 'event.starred':
        if (payload.starred === false) state.starred.delete(Number(payload.eventSeq));
        else state.starred.add(Number(payload.eventSeq));
        break;
      default:
        break;
    }
  }
  state.responders = [...responders].sort();
  return state;
}
