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
  damagedLines: number;
}

/**
 * Answers queries from a store: the blocks a query can match are found by their keys and time
 * range, decoded one at a time and filtered by the same `matchesFilter` the log pane uses. Lines
 * come block by block in store order, each block's lines in time order, so a query over years costs
 * one block of memory at a time.
 */
export class StoreReader {
  readonly problems: ReadProblems = { damagedBlocks: 0, damagedLines: 0 };

  constructor(private readonly db: DatabaseSync) {}

  *lines(q: StoreQuery = {}): Generator<LogRecord> {
    const matching = this.matcher(q);
    for (const block of this.candidateBlocks(q)) {
      const text = this.decode(block);
      if (text !== undefined) yield* matching(text, block.first_seq);
    }
  }

  /** A block's lines that match `q`, in time order. */
  private matcher(q: StoreQuery): (text: string, firstSeq: number) => LogRecord[] {
    const f = q.filter ?? {};
    const needles = needlesOf(f);
    const keep = (r: LogRecord) =>
      (q.since === undefined || r.time >= q.since) &&
      (q.until === undefined || r.time <= q.until) &&
      (f.requestId === undefined || r.requestId === f.requestId) &&
      matchesFilter(r, f);
    return (text, firstSeq) => {
      const out: LogRecord[] = [];
      for (const [line, index] of candidateLines(text, needles)) {
        try {
          const r = fromStoredLine(JSON.parse(line), firstSeq + index);
          if (keep(r)) out.push(r);
        } catch {
          this.problems.damagedLines++;
        }
      }
      return out.sort(byTime);
    };
  }

  /**
   * The newest `limit` matching lines, oldest first (what a pane scrolled to the end shows). Blocks
   * are read newest first; once `limit` lines are found, a block is decoded only if it ends after
   * the oldest of them (lines read back at a restart sit in newer blocks with older times).
   */
  newest(limit: number, q: StoreQuery = {}): LogRecord[] {
    const matching = this.matcher(q);
    let found: LogRecord[] = [];
    const one = this.db.prepare('SELECT id, first_seq, data FROM blocks WHERE id = ?');
    for (const { id, t_max } of this.candidateIds(q, 'DESC')) {
      const cutoff = found.length >= limit ? (found[found.length - limit] as LogRecord).time : undefined;
      if (cutoff !== undefined && t_max < cutoff) continue;
      const block = one.get(id) as { id: number; first_seq: number; data: Uint8Array } | undefined;
      const text = block && this.decode(block);
      if (!block || text === undefined) continue;
      found = [...found, ...matching(text, block.first_seq)].sort(byTime);
      if (found.length > limit) found = found.slice(-limit);
    }
    return found;
  }

  /** The oldest `limit` matching lines (a pane scrolled forward from a time, or to the very top). */
  oldest(limit: number, q: StoreQuery = {}): LogRecord[] {
    const out: LogRecord[] = [];
    for (const r of this.lines(q)) {
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  extent(): StoreExtent {
    const b = this.db
      .prepare('SELECT coalesce(sum(count), 0) AS n, min(t_min) AS oldest, max(t_max) AS newest FROM blocks')
      .get() as { n: number; oldest: number | null; newest: number | null };
    return {
      lines: b.n,
      ...(b.oldest !== null && { oldest: b.oldest }),
      ...(b.newest !== null && { newest: b.newest }),
    };
  }

  private *candidateBlocks(q: StoreQuery): Generator<{ id: number; first_seq: number; data: Uint8Array }> {
    const one = this.db.prepare('SELECT id, first_seq, data FROM blocks WHERE id = ?');
    for (const { id } of this.candidateIds(q, 'ASC')) {
      const row = one.get(id) as { id: number; first_seq: number; data: Uint8Array } | undefined;
      if (row) yield row; // evicted since the ids were read: nothing to show
    }
  }

  /** The blocks a query can match, by their keys and time range, in store order. */
  private candidateIds(q: StoreQuery, order: 'ASC' | 'DESC'): { id: number; t_max: number }[] {
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
    return this.db
      .prepare(
        `SELECT id, t_max FROM blocks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY first_seq ${order}`,
      )
      .all(...params) as { id: number; t_max: number }[];
  }

  private decode(block: { id: number; first_seq: number; data: Uint8Array }): string | undefined {
    try {
      return zstdDecompressSync(block.data).toString('utf8');
    } catch {
      this.problems.damagedBlocks++;
      return undefined;
    }
  }
}

/**
 * What a stored line's JSON must hold before it is worth parsing: the request id as a JSON string,
 * and each literal word as JSON escapes it (ignoring case). Only a superset of the matches passes;
 * the filter itself decides on the parsed line.
 */
function needlesOf(f: LogFilter): RegExp[] {
  const needles: RegExp[] = [];
  if (f.requestId) needles.push(new RegExp(escapeRegExp(JSON.stringify(f.requestId))));
  // A line's tuple starts [time,"source","level": a service or a level is found without parsing.
  if (f.minLevel || f.sources?.length) {
    const any = '"(?:[^"\\\\]|\\\\.)*"';
    const oneOf = (names: readonly string[]) =>
      `(?:${names.map((n) => escapeRegExp(JSON.stringify(n))).join('|')})`;
    const min = f.minLevel && levelRank(f.minLevel);
    const source = f.sources?.length ? oneOf(f.sources) : any;
    const level = min === undefined ? '(?:null|"[a-z]+")' : oneOf(LEVELS.filter((l) => levelRank(l) >= min));
    needles.push(new RegExp(`(?:^|\\n)\\[[-\\d.e+]+,${source},${level},`));
  }
  for (const w of f.words ?? []) needles.push(new RegExp(escapeRegExp(JSON.stringify(w).slice(1, -1)), 'i'));
  // The first is searched through the whole block, so it goes global; the rest test one line each.
  const [first, ...rest] = needles;
  return first ? [new RegExp(first.source, `${first.flags}g`), ...rest] : [];
}

/**
 * The lines of a block (with their index in it) that hold every needle. With needles, the block is
 * searched whole for the first one and only the lines around its matches are cut out: a request's
 * three lines in a block of thousands cost three line cuts, not thousands.
 */
function* candidateLines(text: string, needles: RegExp[]): Generator<[string, number]> {
  if (needles.length === 0) {
    let index = 0;
    for (const line of text.split('\n')) yield [line, index++];
    return;
  }
  const [first, ...rest] = needles as [RegExp, ...RegExp[]];
  first.lastIndex = 0;
  let index = 0;
  let counted = 0;
  let lastStart = -1;
  for (let m = first.exec(text); m; m = first.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    if (start === lastStart) continue;
    lastStart = start;
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < start; nl = text.indexOf('\n', nl + 1)) {
      index++;
      counted = nl + 1;
    }
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    first.lastIndex = end === -1 ? text.length : end;
    if (rest.every((n) => n.test(line))) yield [line, index];
  }
}

function byTime(a: LogRecord, b: LogRecord): number {
  return a.time - b.time || a.seq - b.seq;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
