import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type JournalDamage,
  type JournalRecord,
  parseRecord,
  type UnreadableRecord,
} from '../model/journalRecord';

/** The `prev` of the first record. */
export const GENESIS = '0'.repeat(64);

export function hashLine(line: string): string {
  return createHash('sha256').update(line).digest('hex');
}

export interface ParsedJournal {
  /** Every line that parses as a record, in file order (after damage too: nothing is hidden). */
  records: JournalRecord[];
  /** Records in the chain whose payload does not fit their kind: reported, left out of `records`. */
  unreadable: UnreadableRecord[];
  /** The 1-based line of each seq. */
  lineOfSeq: Map<number, number>;
  /** The first break in the chain, if any. A torn last line is not damage. */
  damage?: JournalDamage;
  /** Bytes up to the end of the last complete line. */
  goodBytes: number;
  /** Bytes of a final line without its newline: a writer died mid-append. */
  tornBytes: number;
  /** Seq and line hash of the last complete line, what the next record chains from. */
  tail: { seq: number; hash: string };
}

/**
 * Parses and verifies a journal: every complete line must be a record whose `prev` is the hash of
 * the line before and whose seq follows it. Only a final line without a newline is torn (a writer
 * killed mid-append); anything else that is wrong is damage, reported with its line and never cut.
 */
export function parseJournal(text: string, from: ChainPosition = CHAIN_START): ParsedJournal {
  const records: JournalRecord[] = [];
  const unreadable: UnreadableRecord[] = [];
  const lineOfSeq = new Map<number, number>();
  let damage: JournalDamage | undefined;
  let prevHash = from.hash;
  let prevSeq = from.seq;
  let offset = 0;
  let lineNo = from.line;
  const note = (d: JournalDamage) => {
    damage ??= d;
  };
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) break;
    lineNo++;
    const line = text.slice(offset, nl);
    offset = nl + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      note({ line: lineNo, reason: line.trim() === '' ? 'an empty line' : 'a line that is not JSON' });
      prevHash = hashLine(line);
      continue;
    }
    const result = parseRecord(parsed);
    const envelope = result.ok ? result.record : result.envelope;
    if (!envelope) {
      note({ line: lineNo, reason: 'a line that is not a journal record' });
      prevHash = hashLine(line);
      continue;
    }
    const prev = (parsed as { prev: string }).prev;
    if (prev !== prevHash) {
      note({
        line: lineNo,
        seq: envelope.seq,
        reason:
          lineNo === 1 && from.line === 0
            ? `record #${envelope.seq} should be the first of the chain but is not (records before it were deleted)`
            : `record #${envelope.seq} does not chain from the line before it (that line was edited, or records were deleted or inserted here)`,
      });
    } else if (envelope.seq <= prevSeq) {
      // Seqs rise (a repair keeps the original numbers, so gaps are allowed; the chain catches deletions).
      note({ line: lineNo, seq: envelope.seq, reason: `record #${envelope.seq} follows #${prevSeq}` });
    }
    lineOfSeq.set(envelope.seq, lineNo);
    if (result.ok) records.push(result.record);
    else unreadable.push({ line: lineNo, seq: envelope.seq, kind: envelope.kind, reason: result.reason });
    prevHash = hashLine(line);
    prevSeq = envelope.seq;
  }
  const goodBytes = Buffer.byteLength(text.slice(0, offset));
  return {
    records,
    unreadable,
    lineOfSeq,
    ...(damage && { damage }),
    goodBytes,
    tornBytes: Buffer.byteLength(text) - goodBytes,
    tail: { seq: prevSeq, hash: prevHash },
  };
}

/** Where a chain stands after some lines: what the next line must follow. */
export interface ChainPosition {
  /** Lines before (for line numbers in messages). */
  line: number;
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainPosition = { line: 0, seq: 0, hash: GENESIS };

/** How far a reader has read a journal: bytes and chain position. */
export interface JournalCursor extends ChainPosition {
  offset: number;
}

export const JOURNAL_START: JournalCursor = { ...CHAIN_START, offset: 0 };

/** The sidecar that remembers the last record appended, so that editing or deleting it shows too. */
export function headPath(journalPath: string): string {
  return `${journalPath}.head`;
}

interface JournalHead {
  seq: number;
  hash: string;
}

export function readHead(journalPath: string): JournalHead | undefined {
  try {
    const head = JSON.parse(readFileSync(headPath(journalPath), 'utf8')) as JournalHead;
    return Number.isInteger(head.seq) && typeof head.hash === 'string' ? head : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the chain's end against the head written by the last append. */
export function checkHead(
  parsed: ParsedJournal,
  text: string,
  head: JournalHead | undefined,
): JournalDamage | undefined {
  if (!head || parsed.damage) return parsed.damage;
  const lines = text.slice(0, parsed.goodBytes).split('\n');
  if (parsed.tail.seq < head.seq)
    return {
      line: lines.length,
      reason: `the journal ends at record #${parsed.tail.seq}, but record #${head.seq} had been written (records at the end were deleted)`,
    };
  // The head lags only when a writer was killed between syncing its records and writing the head:
  // those records were never acknowledged (an append that fails is taken back instead). It must
  // still name a line of the chain with the hash it had.
  const lineNo = parsed.lineOfSeq.get(head.seq);
  const line = lineNo === undefined ? undefined : lines[lineNo - 1];
  if (lineNo !== undefined && line !== undefined && hashLine(line) !== head.hash)
    return { line: lineNo, seq: head.seq, reason: `record #${head.seq} was changed after it was written` };
  return undefined;
}
