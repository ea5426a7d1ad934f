import type { MessagePort } from 'node:worker_threads';
import type { PgConnection } from './connectionOptions';

/** A record's content without its place in the chain: what a writer hands the thread to chain. */
export interface RecordBody {
  ts: string;
  at?: string;
  kind: string;
  actor: string;
  payload: unknown;
}

/** A stored row: the record's line as the JSONL journal holds it, and its hash as stored. */
export interface StoredLine {
  seq: number;
  line: string;
  hash: string;
}

export type JournalRequest =
  /** Chains `bodies`, in order, in one transaction; `create` when the first declares (refused if it exists). */
  | { op: 'append'; incident: string; bodies: RecordBody[]; create: boolean }
  | { op: 'read'; incident: string; afterSeq: number }
  | { op: 'all' }
  /** Copies records as they are (same seq, same line): idempotent, refused where they differ. */
  | { op: 'push'; incident: string; lines: StoredLine[] }
  | { op: 'version' }
  | { op: 'init'; grant?: string };

export type Problem = 'unavailable' | 'damaged' | 'refused' | 'exists' | 'missing' | 'version';

export type JournalReply =
  | {
      ok: true;
      lines?: StoredLine[];
      rows?: (StoredLine & { incident: string })[];
      version?: number;
      applied?: number[];
      pushed?: number;
    }
  | { ok: false; problem: Problem; message: string };

export interface ThreadData {
  connection: PgConnection;
  /** Set to 1 by the thread after each answer to a waiting call, with Atomics.notify. */
  signal: SharedArrayBuffer;
  port: MessagePort;
}

/** Messages the thread sends on its own: a nudge that an incident has new records. */
export type ThreadEvent =
  | { type: 'nudge'; incident: string }
  | { type: 'answer'; id: number; reply: JournalReply };
