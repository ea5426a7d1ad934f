import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { zstdDecompressSync } from 'node:zlib';
import { type LogFilter, matchesFilter } from '../logs/logFilter';
import { LEVELS, type LogRecord, levelRank } from '../logs/logRecord';
import { fromStoredLine } from './storedLine';

export interface StoreQuery {
  filter?: LogFilter;
  /** Event times, ms since the epoch, both inclusive. */
  since?: number;
  until?: number;
}

/** What a store holds, for the console to say how far back it reaches. */
export interface StoreExtent {
  lines: number;
  oldest?: number;
  newest?: number;
}

/** Blocks whose data would not decode: skipped, counted, and said, the rest still answered. */
export interface ReadProblems {
  damagedBlocks: number;
}

/**
 * Answers queries from a store: the blocks a query can match are found by their keys and time
 * range, decoded one at a time and filtered by the same `matchesFilter` the log pane uses; the lines
 * not yet sealed are read from `recent` after them. Lines come block by block in store order, each
 * block's lines in time order, so a query over years costs one block of memory at a time.
 */
export class StoreReader {
  readonly problems: ReadProblems = { damagedBlocks: 0 };

  constructor(private readonly db: DatabaseSync) {}

  *lines(q: StoreQuery = {}): Generator<LogRecord> {
    const f = q.filter ?? {};
    const keep = (r: LogRecord) =>
      (q.since === undefined || r.time >= q.since) &&
      (q.until === undefined || r.time <= q.until) &&
      (f.requestId === undefined || r.requestId === f.requestId) &&
      matchesFilter(r, f);
    for (const block of this.candidateBlocks(q)) {
      const records = this.decode(block);
      yield* records.filter(keep).sort((a, b) => a.time - b.time || a.seq - b.seq);
    }
    const recent = this.recentRows(q);
    const records = recent.flatMap((row) => {
      try {
        return [fromStoredLine(JSON.parse(row.line), row.seq)];
      } catch {
        return [];
      }
    });
    yield* records.filter(keep).sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  /** The newest `limit` matching lines, oldest first (what a pane scrolled to the end shows). */
  newest(limit: number, q: StoreQuery = {}): LogRecord[] {
    const out: LogRecord[] = [];
    for (const r of this.lines(q)) {
      out.push(r);
      if (out.length > limit * 2) out.splice(0, out.length - limit);
    }
    return out.slice(-limit);
  }

  extent(): StoreExtent {
    const b = this.db
      .prepare('SELECT coalesce(sum(count), 0) AS n, min(t_min) AS oldest, max(t_max) AS newest FROM blocks')
      .get() as { n: number; oldest: number | null; newest: number | null };
    const r = this.db
      .prepare('SELECT count(*) AS n, min(time) AS oldest, max(time) AS newest FROM recent')
      .get() as { n: number; oldest: number | null; newest: number | null };
    const times = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
    const oldest = times([b.oldest, r.oldest]);
    const newest = times([b.newest, r.newest]);
    return {
      lines: b.n + r.n,
      ...(oldest.length ? { oldest: Math.min(...oldest) } : {}),
      ...(newest.length ? { newest: Math.max(...newest) } : {}),
    };
  }

  private *candidateBlocks(q: StoreQuery): Generator<{ id: number; first_seq: number; data: Uint8Array }> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.since !== undefined) {
      where.push('t_max >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('t_min <= ?');
      params.push(q.until);
    }
    // Each narrowing is a set of keys of which a block must hold at least one.
    for (const anyOf of keySets(q.filter ?? {})) {
      where.push(`id IN (SELECT block FROM block_keys WHERE key IN (${anyOf.map(() => '?').join(',')}))`);
      params.push(...anyOf);
    }
    const ids = this.db
      .prepare(`SELECT id FROM blocks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
      .all(...params) as { id: number }[];
    const one = this.db.prepare('SELECT id, first_seq, data FROM blocks WHERE id = ?');
    for (const { id } of ids) {
      const row = one.get(id) as { id: number; first_seq: number; data: Uint8Array } | undefined;
      if (row) yield row; // evicted since the ids were read: nothing to show
    }
  }

  private decode(block: { id: number; first_seq: number; data: Uint8Array }): LogRecord[] {
    try {
      const lines = JSON.parse(zstdDecompressSync(block.data).toString('utf8')) as unknown[];
      return lines.map((line, i) => fromStoredLine(line, block.first_seq + i));
    } catch {
      this.problems.damagedBlocks++;
      return [];
    }
  }

  private recentRows(q: StoreQuery): { seq: number; line: string }[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.filter?.requestId) {
      // By the parsed id, as the blocks' keys are (a line naming it only in its text is found by words).
      where.push('rid = ?');
      params.push(q.filter.requestId);
    }
    if (q.since !== undefined) {
      where.push('time >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('time <= ?');
      params.push(q.until);
    }
    return this.db
      .prepare(
        `SELECT seq, line FROM recent ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
      )
      .all(...params) as { seq: number; line: string }[];
  }
}

/** The key sets a filter narrows blocks by (a block must hold one key of each). */
function keySets(f: LogFilter): string[][] {
  const sets: string[][] = [];
  if (f.requestId) sets.push([`r:${f.requestId}`]);
  if (f.pattern) sets.push([`p:${f.pattern}`]);
  if (f.sources?.length) sets.push(f.sources.map((s) => `s:${s}`));
  if (f.minLevel) {
    const min = levelRank(f.minLevel);
    sets.push(LEVELS.filter((l) => levelRank(l) >= min).map((l) => `l:${l}`));
  }
  return sets;
}
