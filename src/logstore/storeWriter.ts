import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { zstdCompressSync } from 'node:zlib';
import type { LogRecord } from '../logs/logRecord';
import { type StoredLine, toStoredLine } from './storedLine';

export interface WriterLimits {
  /** Bytes the store may use on disk; the oldest blocks go first past it. */
  budgetBytes: number;
  /** Lines per sealed block: enough for zstd to find the repeats, few enough to decode in a millisecond. */
  blockLines: number;
  /** A block is sealed at this age of its oldest line even if not full, so `recent` stays small. */
  sealAfterMs: number;
}

export const DEFAULT_WRITER_LIMITS: WriterLimits = {
  budgetBytes: 2 * 1024 ** 3,
  blockLines: 4096,
  sealAfterMs: 30_000,
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
}

/**
 * Writes lines into the store: each batch is one transaction into `recent`; full or old enough
 * lines are sealed into a compressed block with their keys in the same transaction that deletes
 * them from `recent`, so a line is in exactly one of the two whatever moment the process dies.
 */
export class StoreWriter {
  private readonly insertRecent: StatementSync;
  private readonly insertBlock: StatementSync;
  private readonly insertKey: StatementSync;
  private oldestRecent: number | undefined;
  private recentCount: number;
  private appendsSinceBudgetCheck = 0;

  constructor(
    private readonly db: DatabaseSync,
    private readonly limits: WriterLimits = DEFAULT_WRITER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.insertRecent = db.prepare('INSERT INTO recent (time, rid, line) VALUES (?, ?, ?)');
    this.insertBlock = db.prepare(
      'INSERT INTO blocks (first_seq, count, t_min, t_max, raw_bytes, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertKey = db.prepare('INSERT OR IGNORE INTO block_keys (key, block) VALUES (?, ?)');
    const recent = db.prepare('SELECT count(*) AS n FROM recent').get() as { n: number };
    this.recentCount = recent.n;
    // After a restart the lines left in `recent` are sealed on the first append's schedule.
    this.oldestRecent = this.recentCount > 0 ? this.now() : undefined;
  }

  append(records: readonly LogRecord[]): AppendResult {
    if (records.length === 0) return { stored: 0, dropped: 0 };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        for (const r of records)
          this.insertRecent.run(r.time, r.requestId ?? null, JSON.stringify(toStoredLine(r)));
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      return { stored: 0, dropped: records.length, ...failure(err) };
    }
    this.recentCount += records.length;
    this.oldestRecent ??= this.now();
    this.sealIfDue();
    if (++this.appendsSinceBudgetCheck >= 20 || this.appendsSinceBudgetCheck === 1) {
      this.appendsSinceBudgetCheck = 1;
      this.keepWithinBudget();
      return { stored: records.length, dropped: 0, ...this.oldestHeld() };
    }
    return { stored: records.length, dropped: 0 };
  }

  /** Seals what waits in `recent` into blocks (at shutdown, or when full or old enough). */
  seal(all = true): void {
    while (this.recentCount > 0 && (all || this.recentCount >= this.limits.blockLines)) {
      const rows = this.db
        .prepare('SELECT seq, time, rid, line FROM recent ORDER BY seq LIMIT ?')
        .all(this.limits.blockLines) as { seq: number; time: number; rid: string | null; line: string }[];
      if (rows.length === 0) break;
      this.sealRows(rows);
      this.recentCount -= rows.length;
    }
    if (this.recentCount <= 0) {
      this.recentCount = 0;
      this.oldestRecent = undefined;
    }
  }

  private sealIfDue(): void {
    const old = this.oldestRecent !== undefined && this.now() - this.oldestRecent >= this.limits.sealAfterMs;
    if (this.recentCount >= this.limits.blockLines || old) {
      this.seal(old);
      if (this.recentCount > 0) this.oldestRecent = this.now();
    }
  }

  private sealRows(rows: { seq: number; time: number; rid: string | null; line: string }[]): void {
    const lines = rows.map((r) => JSON.parse(r.line) as StoredLine);
    const raw = Buffer.from(`[${rows.map((r) => r.line).join(',')}]`);
    const keys = new Set<string>();
    let tMin = Number.POSITIVE_INFINITY;
    let tMax = Number.NEGATIVE_INFINITY;
    for (const [time, source, level, rid, , pattern] of lines) {
      tMin = Math.min(tMin, time);
      tMax = Math.max(tMax, time);
      keys.add(`s:${source}`);
      if (level) keys.add(`l:${level}`);
      if (rid) keys.add(`r:${rid}`);
      if (pattern) keys.add(`p:${pattern}`);
    }
    const first = rows[0]?.seq ?? 0;
    const last = rows.at(-1)?.seq ?? 0;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const { lastInsertRowid } = this.insertBlock.run(
        first,
        rows.length,
        tMin,
        tMax,
        raw.length,
        zstdCompressSync(raw),
      );
      for (const key of keys) this.insertKey.run(key, lastInsertRowid);
      this.db.prepare('DELETE FROM recent WHERE seq BETWEEN ? AND ?').run(first, last);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  oldestHeld(): { oldest?: number } {
    const row = this.db
      .prepare(
        'SELECT min(t) AS t FROM (SELECT min(t_min) AS t FROM blocks UNION ALL SELECT min(time) FROM recent)',
      )
      .get() as { t: number | null };
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

  /**
   * Past the budget, the oldest blocks go (down to nine tenths of it, so this runs seldom). Their
   * pages are reused by the next blocks: the file stops growing rather than shrinking.
   */
  keepWithinBudget(): number {
    let evicted = 0;
    const target = this.limits.budgetBytes * 0.9;
    while (this.usedBytes() > this.limits.budgetBytes || (evicted > 0 && this.usedBytes() > target)) {
      const oldest = this.db.prepare('SELECT id FROM blocks ORDER BY id LIMIT 16').all() as { id: number }[];
      if (oldest.length === 0) break;
      this.db.exec('BEGIN IMMEDIATE');
      try {
        for (const { id } of oldest) {
          this.db.prepare('DELETE FROM block_keys WHERE block = ?').run(id);
          this.db.prepare('DELETE FROM blocks WHERE id = ?').run(id);
        }
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
      evicted += oldest.length;
    }
    return evicted;
  }
}

function failure(err: unknown): Pick<AppendResult, 'reason' | 'error'> {
  const code = (err as { errcode?: number }).errcode ?? 0;
  // SQLITE_FULL (13): the disk or the file system's quota.
  return (code & 0xff) === 13
    ? { reason: 'disk-full', error: (err as Error).message }
    : { reason: 'error', error: (err as Error).message };
}
