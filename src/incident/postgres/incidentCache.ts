import type { JournalDamage, JournalRecord, UnreadableRecord } from '../../model/journalRecord';
import type { JournalRead } from '../journal';
import { CHAIN_START, type ChainPosition, hashLine, type JournalCursor, parseJournal } from '../journalChain';
import type { JournalReply, StoredLine } from './threadProtocol';

interface Cached {
  records: JournalRecord[];
  unreadable: UnreadableRecord[];
  damage?: JournalDamage;
  /** Where the verified chain stands: rows read (as lines), the last seq and hash. */
  tail: ChainPosition;
  lines: number;
}

/** Rows a read returns at most; an incident with more is read in turns. */
const READ_PAGE = 50_000;

/**
 * What this process has read of each incident, verified as it came: each row's line must chain
 * from the one before (the same check as the JSONL file's, by the same parser), and its stored
 * hash must be the hash of its line, so a row edited in the table shows even when it is the last.
 * The console keeps showing it while the database is away.
 */
export class IncidentCache {
  private readonly byId = new Map<string, Cached>();

  constructor(
    private readonly read: (id: string, afterSeq: number) => (JournalReply & { ok: true }) | undefined,
  ) {}

  get(id: string): Cached | undefined {
    return this.byId.get(id);
  }

  /** Reads what was appended since the last read; undefined when the database did not answer. */
  refresh(id: string): Cached | undefined {
    for (;;) {
      const reply = this.read(id, this.byId.get(id)?.tail.seq ?? 0);
      if (!reply) return this.byId.get(id);
      const lines = reply.lines ?? [];
      this.take(id, lines);
      if (lines.length < READ_PAGE) return this.byId.get(id);
    }
  }

  /**
   * An appended row: kept when it chains on from what is kept (others may have appended between,
   * and the next read takes those and it, in order).
   */
  takeAppended(id: string, row: StoredLine): void {
    const c = this.byId.get(id);
    const tail = c?.tail ?? CHAIN_START;
    if ((JSON.parse(row.line) as { prev?: unknown }).prev === tail.hash) this.take(id, [row]);
  }

  /** Every row after the verified tail, from a read or a listing: verified and kept. */
  take(id: string, rows: readonly StoredLine[]): void {
    const c = this.byId.get(id) ?? { records: [], unreadable: [], tail: CHAIN_START, lines: 0 };
    const fresh = rows.filter((r) => r.seq > c.tail.seq).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) {
      this.byId.set(id, c);
      return;
    }
    const parsed = parseJournal(fresh.map((r) => `${r.line}\n`).join(''), c.tail);
    fresh.forEach((r, i) => {
      if (c.damage || parsed.damage?.line === c.tail.line + i + 1) return;
      if (hashLine(r.line) !== r.hash)
        c.damage = {
          line: c.tail.line + i + 1,
          seq: r.seq,
          reason: `record #${r.seq} was changed in the table after it was written (its stored hash is not its line's)`,
        };
    });
    const damage = c.damage ?? parsed.damage;
    this.byId.set(id, {
      records: [...c.records, ...parsed.records],
      unreadable: [...c.unreadable, ...parsed.unreadable],
      ...(damage && { damage }),
      tail: { line: c.tail.line + fresh.length, seq: parsed.tail.seq, hash: parsed.tail.hash },
      lines: c.lines + fresh.length,
    });
  }

  /** Every incident's rows from one listing. */
  fill(rows: readonly (StoredLine & { incident: string })[]): void {
    const by = new Map<string, StoredLine[]>();
    for (const r of rows) {
      const list = by.get(r.incident) ?? [];
      list.push(r);
      by.set(r.incident, list);
    }
    for (const [id, list] of by) this.take(id, list);
  }

  /** What was kept after `cursor`, and the cursor after it. */
  after(id: string, cursor: JournalCursor): JournalRead & { cursor: JournalCursor } {
    const c = this.byId.get(id);
    if (!c) return { records: [], unreadable: [], cursor };
    return {
      records: c.records.filter((r) => r.seq > cursor.seq),
      unreadable: c.unreadable.filter((u) => u.seq > cursor.seq),
      ...(c.damage && c.damage.line > cursor.line && { damage: c.damage }),
      cursor: { ...c.tail, offset: 0 },
    };
  }
}
