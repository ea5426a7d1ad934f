import { createHash } from 'node:crypto';

/** Every kind of record an incident journal holds. Payloads are plain JSON, already redacted. */
export const RECORD_KINDS = [
  'incident.declared',
  'incident.severity',
  'incident.status',
  'incident.role',
  'note',
  'note.action-item',
  'event.starred',
  'rule.fired',
  'rule.cleared',
  'release',
  'source.state',
  'container.state',
  'log.pinned',
  'metrics.snapshot',
  'decision.shown',
  'decision.answered',
  'checklist.ticked',
  'step.intent',
  'step.result',
  'step.skipped',
  'verify.result',
  'export.written',
  'journal.recovered',
] as const;

export type RecordKind = (typeof RECORD_KINDS)[number];

export interface JournalRecord {
  seq: number;
  /** When it was recorded, UTC ISO-8601 with milliseconds. */
  ts: string;
  /** When it happened, when that differs (backdated notes, pinned log lines, observations). */
  at?: string;
  kind: RecordKind;
  /** user@host */
  actor: string;
  payload: Record<string, unknown>;
  /** SHA-256 of the previous record's line, or GENESIS for the first. */
  prev: string;
}

export const GENESIS = '0'.repeat(64);

export function hashLine(line: string): string {
  return createHash('sha256').update(line).digest('hex');
}

/** The time an event happened: its `at` if it has one, else when it was recorded. */
export function eventTime(r: JournalRecord): number {
  return Date.parse(r.at ?? r.ts);
}

/** Strict shape check for a parsed line; anything else is a torn or foreign record. */
export function isJournalRecord(v: unknown): v is JournalRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    Number.isInteger(r.seq) &&
    typeof r.ts === 'string' &&
    typeof r.kind === 'string' &&
    (RECORD_KINDS as readonly string[]).includes(r.kind) &&
    typeof r.actor === 'string' &&
    typeof r.prev === 'string' &&
    r.payload !== null &&
    typeof r.payload === 'object' &&
    (r.at === undefined || typeof r.at === 'string')
  );
}

/** Where a journal first stops being a valid hash chain, in words an operator can act on. */
export interface JournalDamage {
  /** 1-based line number in the file. */
  line: number;
  /** The record's seq when the line parsed. */
  seq?: number;
  reason: string;
}

export function describeDamage(d: JournalDamage): string {
  return `line ${d.line}${d.seq !== undefined ? ` (record #${d.seq})` : ''}: ${d.reason}`;
}
