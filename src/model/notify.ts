/** The chat platforms an incident update can go to, by the shape of what they take. */
export const NOTIFY_KINDS = ['slack', 'mattermost', 'teams', 'discord', 'webhook'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** What in an incident's course is told, each configurable per channel. */
export const NOTIFY_EVENTS = [
  'declared',
  'severity',
  'status',
  'commander',
  'mitigation',
  'resolved',
  'update',
  'test',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** What is sent by default: everything but the test message, which is always sent when asked for. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = NOTIFY_EVENTS.filter((e) => e !== 'test');

/**
 * One message about an incident, before any platform's shape: built from journal records, so its
 * words are already redacted. Each platform's payload is made from it (`notify/platformPayloads.ts`).
 */
export interface IncidentMessage {
  /** Unique per message: the outbox's key, and the idempotency key where a platform takes one. */
  id: string;
  incidentId: string;
  event: NotifyEvent;
  at: number;
  /** `[P1] api 5xx after v1.5.0`, the incident as one line. */
  title: string;
  severity: string;
  status: string;
  /** What happened, in a sentence: `Severity raised to P1 by alice`. */
  headline: string;
  /** Further lines: the diagnosis, an update's paragraphs. */
  lines: string[];
  fields: [string, string][];
}
