import type { DatabaseSync } from 'node:sqlite';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import type { RecordedEvent } from '../model/recording';

/**
 * The recording's side of the store: source events other than log lines, one compressed block of
 * JSON lines per batch (the console sends one a second), and the time ranges an incident keeps
 * from eviction. Blocks and kept ranges live in the same file, under the same disk budget, as the
 * log lines (see `storeFile.ts`).
 */

/** Writes one batch as a block, in one statement (so it is there whole or not at all). */
export function appendEventBlock(db: DatabaseSync, events: readonly RecordedEvent[]): number {
  if (events.length === 0) return 0;
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  const lines: string[] = [];
  for (const e of events) {
    tMin = Math.min(tMin, e.t);
    tMax = Math.max(tMax, e.t);
    lines.push(JSON.stringify(e));
  }
  const raw = Buffer.from(lines.join('\n'));
  db.prepare('INSERT INTO event_blocks (count, t_min, t_max, raw_bytes, data) VALUES (?, ?, ?, ?, ?)').run(
    events.length,
    tMin,
    tMax,
    raw.length,
    zstdCompressSync(raw),
  );
  return events.length;
}

/** What a read of the recorded events found: the events in time order, and blocks that would not decode. */
export interface EventRead {
  events: RecordedEvent[];
  damagedBlocks: number;
}

/** The events received from `from` to `to` (both inclusive), in the order received. */
export function readEvents(db: DatabaseSync, from: number, to: number): EventRead {
  if (!hasTable(db, 'event_blocks')) return { events: [], damagedBlocks: 0 };
  const blocks = db
    .prepare('SELECT data FROM event_blocks WHERE t_max >= ? AND t_min <= ? ORDER BY id')
    .all(from, to) as { data: Uint8Array }[];
  const events: RecordedEvent[] = [];
  let damagedBlocks = 0;
  for (const b of blocks) {
    try {
      for (const line of zstdDecompressSync(b.data).toString('utf8').split('\n')) {
        const e = JSON.parse(line) as RecordedEvent;
        if (typeof e.t === 'number' && e.t >= from && e.t <= to && e.e && typeof e.e.type === 'string')
          events.push(e);
      }
    } catch {
      damagedBlocks++;
    }
  }
  // Stable: events of one millisecond keep the order they were received in.
  events.sort((a, b) => a.t - b.t);
  return { events, damagedBlocks };
}

/** A time range kept from eviction for an incident; `to` undefined while it is open. */
export interface KeptRange {
  incident: string;
  from: number;
  to?: number;
}

/** Keeps (or moves) an incident's range: eviction passes over every block that overlaps it. */
export function keepRange(db: DatabaseSync, range: KeptRange): void {
  db.prepare('INSERT OR REPLACE INTO kept (incident, t_from, t_to) VALUES (?, ?, ?)').run(
    range.incident,
    range.from,
    range.to ?? null,
  );
}

/** Lets an incident's range go; whether there was one. */
export function releaseRange(db: DatabaseSync, incident: string): boolean {
  return Number(db.prepare('DELETE FROM kept WHERE incident = ?').run(incident).changes) > 0;
}

export function keptRanges(db: DatabaseSync): KeptRange[] {
  if (!hasTable(db, 'kept')) return [];
  return (
    db.prepare('SELECT incident, t_from, t_to FROM kept ORDER BY t_from').all() as {
      incident: string;
      t_from: number;
      t_to: number | null;
    }[]
  ).map((r) => ({ incident: r.incident, from: r.t_from, ...(r.t_to !== null && { to: r.t_to }) }));
}

/** The SQL condition "this block overlaps no kept range", for a table with t_min and t_max. */
export const NOT_KEPT = `NOT EXISTS (SELECT 1 FROM kept WHERE t_max >= kept.t_from AND (kept.t_to IS NULL OR t_min <= kept.t_to))`;

function hasTable(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
