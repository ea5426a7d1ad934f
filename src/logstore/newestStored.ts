import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { zstdDecompressSync } from 'node:zlib';
import type { LogRecord } from '../logs/logRecord';
import type { StoredLine } from './storedLine';

interface Newest {
  at: number;
  /** The texts of the source's lines at that instant. */
  texts: Set<string>;
}

/**
 * Each source's newest stored line, so lines a restarted console reads back from its sources (the
 * half hour before it opened) are not stored a second time. Only read-back lines are judged: a live
 * line older than the newest (a clock behind, a late writer) is a line of its own and is kept.
 */
export class NewestStored {
  private readonly bySource = new Map<string, Newest>();
  private readonly blocksOf: StatementSync;

  constructor(db: DatabaseSync) {
    this.blocksOf = db.prepare(
      `SELECT b.t_max AS t_max, b.data AS data FROM block_keys k JOIN blocks b ON b.id = k.block
       WHERE k.key = ? ORDER BY b.t_max DESC`,
    );
  }

  /** The read-back records the store already has: at or before the source's newest stored line. */
  isStored(r: LogRecord): boolean {
    if (!r.readBack) return false;
    const newest = this.of(r.source);
    return r.time < newest.at || (r.time === newest.at && newest.texts.has(r.text));
  }

  /** Lines just stored move their sources' newest forward. */
  saw(records: readonly LogRecord[]): void {
    for (const r of records) {
      const newest = this.bySource.get(r.source);
      if (!newest) continue;
      if (r.time > newest.at) this.bySource.set(r.source, { at: r.time, texts: new Set([r.text]) });
      else if (r.time === newest.at) newest.texts.add(r.text);
    }
  }

  /**
   * Read from the blocks that hold the source, newest end first, until a block ends before the
   * newest line found: a block's end is its newest line of any source, not of this one.
   */
  private of(source: string): Newest {
    const known = this.bySource.get(source);
    if (known) return known;
    const newest: Newest = { at: Number.NEGATIVE_INFINITY, texts: new Set() };
    for (const row of this.blocksOf.iterate(`s:${source}`) as Iterable<{ t_max: number; data: Uint8Array }>) {
      if (row.t_max < newest.at) break;
      for (const text of zstdDecompressSync(row.data).toString('utf8').split('\n')) {
        const line = JSON.parse(text) as StoredLine;
        if (line[1] !== source || line[0] < newest.at) continue;
        if (line[0] > newest.at) {
          newest.at = line[0];
          newest.texts = new Set();
        }
        newest.texts.add(line[6]);
      }
    }
    this.bySource.set(source, newest);
    return newest;
  }
}
