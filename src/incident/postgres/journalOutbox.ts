import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../../files/privateFiles';
import type { JournalRecord, PayloadInput, RecordKind } from '../../model/journalRecord';
import { isIncidentId } from '../incidentStore';
import { Journal, readJournal } from '../journal';
import { readHead } from '../journalChain';
import type { RecordBody } from './threadProtocol';

/**
 * Where records wait while the database cannot be reached: a JSONL journal per incident in the
 * state directory (the same file format, lock, chain and fsync as the embedded store), and beside
 * it the last seq of it the database has taken. Nothing is ever removed from it; what was sent is
 * known by that mark, and a record sent twice is kept once by its body hash.
 */
export class JournalOutbox {
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly lockWaitMs: number,
  ) {
    this.dir = join(stateDir, 'journal-outbox');
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.jsonl`);
  }

  private sentPath(id: string): string {
    return join(this.dir, `${id}.sent`);
  }

  /** Appends with the body's own time, so the same record sent again has the same body hash. */
  append<K extends RecordKind>(id: string, body: RecordBody & { kind: K }, at?: number): JournalRecord {
    const journal = new Journal(this.pathOf(id), body.actor, this.lockWaitMs, () => Date.parse(body.ts));
    return journal.append(body.kind, body.payload as PayloadInput<K>, at);
  }

  /** Marks an incident this state directory has read from the database: it may be written offline. */
  markSeen(id: string): void {
    const path = join(this.dir, `${id}.seen`);
    if (existsSync(path)) return;
    ensurePrivateDir(this.dir);
    writeFileAtomic(path, '');
  }

  seen(id: string): boolean {
    return existsSync(join(this.dir, `${id}.seen`));
  }

  sent(id: string): number {
    try {
      const n = Number(JSON.parse(readFileSync(this.sentPath(id), 'utf8')).seq);
      return Number.isInteger(n) ? n : 0;
    } catch {
      return 0;
    }
  }

  markSent(id: string, seq: number): void {
    ensurePrivateDir(this.dir);
    writeFileAtomic(this.sentPath(id), `${JSON.stringify({ seq })}\n`);
  }

  /** The records not yet taken by the database, oldest first. */
  pending(id: string): JournalRecord[] {
    if (!this.has(id)) return [];
    const sent = this.sent(id);
    return readJournal(this.pathOf(id)).records.filter((r) => r.seq > sent);
  }

  /** Whether records of `id` wait (by the head the last append wrote: no file is read whole). */
  has(id: string): boolean {
    return (readHead(this.pathOf(id))?.seq ?? 0) > this.sent(id);
  }

  /** Incidents with records waiting. */
  waiting(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .filter((id) => isIncidentId(id) && this.has(id));
  }
}

export function bodyOf(r: JournalRecord): RecordBody {
  return {
    ts: r.ts,
    ...(r.at !== undefined && { at: r.at }),
    kind: r.kind,
    actor: r.actor,
    payload: r.payload,
  };
}
