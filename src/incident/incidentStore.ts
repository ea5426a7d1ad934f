import type { Severity } from '../model/incident';
import type { JournalRecord, PayloadInput, RecordKind } from '../model/journalRecord';
import { UserError } from '../userError';
import type { IncidentState } from './incidentState';
import type { JournalRead } from './journal';
import type { JournalCursor } from './journalChain';
import type { RepairResult } from './journalRepair';

export interface Declaration {
  title: string;
  severity: Severity;
  commander?: string;
  startedAt?: number;
}

/** One incident's journal, for appending: whatever it is kept in, `append` returns once it is kept. */
export interface JournalWriter {
  append<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord;
  repair(): RepairResult;
}

/** What was appended after a cursor; `restart` when it no longer continues from there. */
export type JournalDelta = JournalRead & { cursor: JournalCursor; restart: boolean };

/**
 * Where incidents are kept: a journal file each under the state directory (the default), or a
 * PostgreSQL table shared by every bastion (`store: postgres://…`). Everything that reads or writes
 * an incident goes through this, so the console, `serve`, the `incident` commands, `export` and
 * replay work the same on either.
 */
export interface IncidentStore {
  /** Where, in words, for messages ("/…/incidents", "postgres://db.example/ops"). */
  readonly where: string;
  declare(d: Declaration): { id: string; journal: JournalWriter };
  /** The journal of an existing incident; a UserError naming the fix when there is none. */
  open(id: string): JournalWriter;
  load(id: string): IncidentState;
  scan(): { incidents: IncidentState[]; unreadable: { id: string; reason: string }[] };
  list(): IncidentState[];
  active(): IncidentState | undefined;
  resolveId(id: string | undefined): string;
  /** The records after `cursor`, verified to chain on from it. */
  readFrom(id: string, cursor: JournalCursor): JournalDelta;
  /** Calls `onChange` when the incident may have new records (a nudge: read with `readFrom`). */
  watch(id: string, onChange: () => void): () => void;
  /** A problem the operator should see in the header (the database is unreachable), or undefined. */
  status(): string | undefined;
  close(): void;
}

/** The newest incident that is not resolved: the one the console resumes. */
export function activeIn(incidents: IncidentState[]): IncidentState | undefined {
  return incidents.filter((s) => s.status !== 'resolved').at(-1);
}

/** An explicit id, else the active incident, else the newest. */
export function resolveIdIn(incidents: IncidentState[], id: string | undefined, where: string): string {
  if (id) return id;
  const pick = activeIn(incidents) ?? incidents.at(-1);
  if (!pick)
    throw new UserError(
      `opsconsole: no incidents in ${where}.\n  fix: declare one with \`opsconsole incident declare --title T --severity P1\`.`,
    );
  return pick.id;
}

export function newIncidentId(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `inc-${stamp}-${Math.random().toString(16).slice(2, 6).padEnd(4, '0')}`;
}

/**
 * What an incident id may be (what `declare` makes: inc-20261122-010203-abcd): letters, digits,
 * ".", "_" and "-", not starting with "-". Anything else in the incidents directory is not one,
 * and is never opened or offered to a shell's completion.
 */
export function isIncidentId(id: string): boolean {
  return /^[A-Za-z0-9_.][A-Za-z0-9._-]*$/.test(id) && id.length <= 200;
}

export function noSuchIncident(id: string, where: string): UserError {
  return new UserError(
    `opsconsole: no incident "${id}" in ${where}.\n  fix: list them with \`opsconsole incident list\`.`,
  );
}
