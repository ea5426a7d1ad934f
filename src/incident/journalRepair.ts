import { constants, copyFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../files/privateFiles';
import { describeDamage, type JournalDamage, type JournalRecord, parseRecord } from '../model/journalRecord';
import { inertJson } from '../text/inert';
import { checkHead, GENESIS, hashLine, headPath, parseJournal, readHead } from './journalChain';
import { syncDir } from './journalFiles';

export interface RepairResult {
  keptAt: string;
  records: number;
  unreadable: number;
  damage?: JournalDamage;
  /** The journal held no readable record: it was moved aside whole, not re-chained. */
  movedAside?: boolean;
}

/**
 * Repairs the journal at `path`, whose current content is `text` (the caller holds its lock). The
 * file is kept aside unchanged first; see `Journal.repair`.
 */
export function repairJournal(path: string, text: string, actor: string): RepairResult {
  const parsed = parseJournal(text);
  const damage = checkHead(parsed, text, readHead(path));
  const keptAt = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (parsed.records.length === 0) {
    // Nothing to re-chain (an empty journal, left by a declaration that failed before appends were
    // taken back, or one whose every line is unreadable): the file is kept aside whole.
    renameSync(path, keptAt);
    rmSync(headPath(path), { force: true });
    syncDir(dirname(path));
    return {
      keptAt,
      records: parsed.records.length,
      unreadable: parsed.unreadable.length,
      ...(damage && { damage }),
      movedAside: true,
    };
  }
  copyFileSync(path, keptAt, constants.COPYFILE_EXCL);
  // Records keep their seqs (stars and action items refer to them); one that does not rise above
  // the record before it (an inserted copy) is kept in the repair record instead of the chain.
  const readable: JournalRecord[] = [];
  const outOfOrder: string[] = [];
  for (const r of parsed.records) {
    if (r.seq > (readable.at(-1)?.seq ?? 0)) readable.push(r);
    else outOfOrder.push(JSON.stringify(r).slice(0, 4096));
  }
  const unreadable: { line: number; text: string }[] = [];
  text
    .slice(0, parsed.goodBytes)
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      try {
        if (parseRecord(JSON.parse(line)).ok) return;
      } catch {
        // counted below
      }
      unreadable.push({ line: i + 1, text: line.slice(0, 4096) });
    });
  let prev = GENESIS;
  let seq = 0;
  const out: string[] = [];
  const push = (r: JournalRecord) => {
    const line = inertJson({ ...r, prev });
    out.push(line);
    prev = hashLine(line);
    seq = r.seq;
  };
  for (const r of readable) push(r);
  push({
    seq: seq + 1,
    ts: new Date().toISOString(),
    kind: 'journal.recovered',
    actor,
    payload: {
      reason: 'repaired: the hash chain was broken',
      damage: damage ? describeDamage(damage) : 'none found',
      keptAt,
      records: readable.length,
      unreadable,
      outOfOrder,
      ...(parsed.tornBytes > 0 && { droppedBytes: parsed.tornBytes }),
    },
    prev,
  });
  writeFileAtomic(path, `${out.join('\n')}\n`);
  writeFileAtomic(headPath(path), `${JSON.stringify({ seq: seq, hash: prev })}\n`);
  return {
    keptAt,
    records: readable.length,
    unreadable: unreadable.length + outOfOrder.length,
    ...(damage && { damage }),
  };
}
