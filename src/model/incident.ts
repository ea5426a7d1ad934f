import type { RecordKind } from './journalRecord';

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
  /**
   * Who the commander handed the triage's steps to (answers, runs), on a shared console; the
   * commander keeps command and may take them back.
   */
  stepDriver?: string;
  /** Set when the journal cannot be trusted or read: what is wrong and how to fix it. */
  journalProblem?: string;
}

/** The `incident.role` a commander uses to hand the triage's steps to someone. */
export const STEP_DRIVER_ROLE = 'step-driver';
