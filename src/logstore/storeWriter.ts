import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import type { LogRecord } from '../logs/logRecord';
import type { RecordedEvent } from '../model/recording';
import { NewestStored } from './newestStored';
import { appendEventBlock, type KeptRange, keepRange, NOT_KEPT } from './recordingStore';
import { toStoredLine } from './storedLine';
import { isDamaged } from './storeFile';

export interface WriterLimits {
  /** Bytes the store may use on disk; the oldest blocks go first past it. */
  budgetBytes: number;
  /** Lines a merged block holds: enough for zstd to find the repeats, few to decode in milliseconds. */
  blockLines: number;
  /** Small blocks are merged once they hold a block's worth of lines, or the oldest is this old. */
  mergeAfterMs: number;
}

export const DEFAULT_WRITER_LIMITS: WriterLimits = {
  budgetBytes: 2 * 1024 ** 3,
  blockLines: 4096,
  mergeAfterMs: 30_000,
};

/** What happened to the lines of one `append`. */
export interface AppendResult {
  stored: number;
  dropped: number;
  /** Why they were dropped, when they were. */
  reason?: 'disk-full' | 'error';
  error?: string;
  /** The oldest line's time the store holds, said now and then (it moves as old blocks go). */
  oldest?: number;
  /** Read-back lines not written because the store had them (see `NewestStored`). */
  alreadyStored?: number;
}

interface SmallBlock {
  id: number;
  first_seq: number;
  count: number;
  t_min: number;
  t_max: number;
  data: Uint8Array;
}

/**
 * Writes lines into the store: each batch (a flush's lines) is one compressed block with its keys,
 * in one transaction. Blocks smaller than half a block are merged, in order, into one when they hold
 * a block's worth or the oldest has waited `mergeAfterMs`: the merged block is written and the small
 * ones deleted in the same transaction, so a line is in exactly one block whenever the process dies.
 */
export class StoreWriter {
  private readonly insertBlock: StatementSync;
  private readonly insertKey: StatementSync;
  private readonly lastBlock: StatementSync;
  private small: { lines: number; since?: number };
  private appendsSinceBudgetCheck = 0;
  private readonly newest: NewestStored;

  constructor(
    private readonly db: DatabaseSync,
    private readonly limits: WriterLimits = DEFAULT_WRITER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.insertBlock = db.prepare(
      'INSERT INTO blocks (first_seq, count, t_min, t_max, raw_bytes, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.newest = new NewestStored(db);
    this.insertKey = db.prepare('INSERT OR IGNORE INTO block_keys (key, block) VALUES (?, ?)');
    this.lastBlock = db.prepare(
      'SELECT first_seq + count AS next FROM blocks ORDER BY first_seq DESC LIMIT 1',
    );
    const small = db
      .prepare('SELECT coalesce(sum(count), 0) AS n FROM blocks WHERE count < ?')
      .get(this.smallBelow) as {
      n: number;
    };
    // After a restart, small blocks left over are merged on the first append's schedule.
    this.small = small.n > 0 ? { lines: small.n, since: this.now() } : { lines: 0 };
  }

  /** The number the next line gets: one past the newest block's last. */
  private endOfStore(): number {
    return (this.lastBlock.get() as { next: number } | undefined)?.next ?? 1;
  }

  private get smallBelow(): number {
    return Math.ceil(this.limits.blockLines / 2);
  }

  append(batch: readonly LogRecord[]): AppendResult {
    const records = batch.filter((r) => !this.newest.isStored(r));
    const alreadyStored = batch.length - records.length;
    const result = this.appendNew(records);
    if (result.stored > 0) this.newest.saw(records);
    return alreadyStored > 0 ? { ...result, alreadyStored } : result;
  }

  private appendNew(records: readonly LogRecord[]): AppendResult {
    if (records.length === 0) return { stored: 0, dropped: 0 };
    const lines: string[] = [];
    const keys = new Set<string>();
    let tMin = Number.POSITIVE_INFINITY;
    let tMax = Number.NEGATIVE_INFINITY;
    for (const r of records) {
      tMin = Math.min(tMin, r.time);
      tMax = Math.max(tMax, r.time);
      lines.push(JSON.stringify(toStoredLine(r)));
      keysOf(r, keys);
    }
    try {
      // The number is read under the write lock: another process (serve beside a console) may
      // have written since this one last did.
      this.transaction(() =>
        this.writeBlock(this.endOfStore(), lines.join('\n'), lines.length, tMin, tMax, keys),
      );
    } catch (err) {
      // A damaged file is the thread's to set aside (see `storeThread.ts`); anything else drops the batch.
      if (isDamaged(err)) throw err;
      return { stored: 0, dropped: records.length, ...failure(err) };
    }
    if (records.length < this.smallBelow) {
      this.small.lines += records.length;
      this.small.since ??= this.now();
    }
    this.mergeIfDue();
    if (++this.appendsSinceBudgetCheck >= 20 || this.appendsSinceBudgetCheck === 1) {
      this.appendsSinceBudgetCheck = 1;
      this.keepWithinBudget();
      return { stored: records.length, dropped: 0, ...this.oldestHeld() };
    }
    return { stored: records.length, dropped: 0 };
  }

  /** Merges the small blocks now, whatever their number (at shutdown). */
  seal(): void {
    this.merge();
  }

  private mergeIfDue(): void {
    const old = this.small.since !== undefined && this.now() - this.small.since >= this.limits.mergeAfterMs;
    if (this.small.lines >= this.limits.blockLines || old) this.merge();
  }

  /** Runs of consecutive small blocks become blocks of up to `blockLines` lines. */
  private merge(): void {
    const small = this.db
      .prepare(
        'SELECT id, first_seq, count, t_min, t_max, data FROM blocks WHERE count < ? ORDER BY first_seq',
      )
      .all(this.smallBelow) as unknown as SmallBlock[];
    this.small = { lines: 0 };
    let run: SmallBlock[] = [];
    let lines = 0;
    const flushRun = () => {
      if (run.length > 1) this.transaction(() => this.mergeRun(run));
      run = [];
      lines = 0;
    };
    for (const b of small) {
      const last = run.at(-1);
      if ((last && last.first_seq + last.count !== b.first_seq) || lines + b.count > this.limits.blockLines)
        flushRun();
      run.push(b);
      lines += b.count;
    }
    flushRun();
  }

  private mergeRun(run: SmallBlock[]): void {
    const texts = run.map((b) => zstdDecompressSync(b.data).toString('utf8'));
    const keys = new Set<string>();
    for (const b of run) for (const { key } of this.keysOfBlock(b.id)) keys.add(key);
    for (const b of run) this.deleteBlock(b.id);
    const first = run[0] as SmallBlock;
    this.writeBlock(
      first.first_seq,
      texts.join('\n'),
      run.reduce((n, b) => n + b.count, 0),
      Math.min(...run.map((b) => b.t_min)),
      Math.max(...run.map((b) => b.t_max)),
      keys,
    );
  }

  private keysOfBlock(id: number): { key: string }[] {
    return this.db.prepare('SELECT key FROM block_keys WHERE block = ?').all(id) as { key: string }[];
  }

  private writeBlock(
    firstSeq: number,
    text: string,
    count: number,
    tMin: number,
    tMax: number,
    keys: Set<string>,
  ) {
    const raw = Buffer.from(text);
    const { lastInsertRowid } = this.insertBlock.run(
      firstSeq,
      count,
      tMin,
      tMax,
      raw.length,
      zstdCompressSync(raw),
    );
    for (const key of keys) this.insertKey.run(key, lastInsertRowid);
  }

  private deleteBlock(id: number | bigint): void {
    this.db.prepare('DELETE FROM block_keys WHERE block = ?').run(id);
    this.db.prepare('DELETE FROM blocks WHERE id = ?').run(id);
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  oldestHeld(): { oldest?: number } {
    const row = this.db.prepare('SELECT min(t_min) AS t FROM blocks').get() as { t: number | null };
    return row.t === null ? {} : { oldest: row.t };
  }

  /** Bytes in use: pages holding data, not the free ones SQLite keeps for reuse. */
  usedBytes(): number {
    const pages = (this.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    const free = (this.db.prepare('PRAGMA freelist_count').get() as { freelist_count: number })
      .freelist_count;
    const size = (this.db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    return (pages - free) * size;
  }

  /** Keeps an incident's range from eviction (see `recordingStore.ts`). */
  keep(range: KeptRange): void {
    keepRange(this.db, range);
  }

  /** A batch of the recording's events, as one block. */
  appendEvents(events: readonly RecordedEvent[]): number {
    let stored = 0;
    this.transaction(() => {
      stored = appendEventBlock(this.db, events);
    });
    if (++this.appendsSinceBudgetCheck >= 20) {
      this.appendsSinceBudgetCheck = 1;
      this.keepWithinBudget();
    }
    return stored;
  }

  /**
   * Past the budget, the oldest blocks go (down to nine tenths of it, so this runs seldom). Their
   * pages are reused by the next blocks: the file stops growing rather than shrinking.
   */
  keepWithinBudget(): number {
    let evicted = 0;
    const target = this.limits.budgetBytes * 0.9;
    while (this.usedBytes() > this.limits.budgetBytes || (evicted > 0 && this.usedBytes() > target)) {
      // Log blocks and event blocks alike, oldest first, passing over any an incident keeps.
      const oldest = this.db
        .prepare(
          `SELECT 'l' AS k, id, t_min FROM blocks WHERE ${NOT_KEPT}
           UNION ALL SELECT 'e' AS k, id, t_min FROM event_blocks WHERE ${NOT_KEPT}
           ORDER BY t_min LIMIT 16`,
        )
        .all() as { k: 'l' | 'e'; id: number }[];
      // Everything left is kept: the store stays over its budget rather than lose an incident.
      if (oldest.length === 0) break;
      this.transaction(() => {
        for (const { k, id } of oldest)
          if (k === 'l') this.deleteBlock(id);
          else this.db.prepare('DELETE FROM event_blocks WHERE id = ?').run(id);
      });
      evicted += oldest.length;
    }
    return evicted;
  }
}

/** The keys a line is found by. */
function keysOf(r: LogRecord, keys: Set<string>): void {
  keys.add(`s:${r.source}`);
  if (r.level) keys.add(`l:${r.level}`);
  if (r.requestId) keys.add(`r:${r.requestId}`);
  if (r.pattern) keys.add(`p:${r.pattern}`);
}

function failure(err: unknown): Pick<AppendResult, 'reason' | 'error'> {
  const code = (err as { errcode?: number }).errcode ?? 0;
  // SQLITE_FULL (13): the disk or the file system's quota.
  return (code & 0xff) === 13
    ? { reason: 'disk-full', error: (err as Error).message }
    : { reason: 'error', error: (err as Error).message };
}
