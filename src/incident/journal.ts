import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { ensurePrivateDir, openPrivate, writeFileAtomic } from '../files/privateFiles';
import {
  describeDamage,
  type JournalDamage,
  type JournalRecord,
  type PayloadInput,
  parseRecord,
  type RecordKind,
  type UnreadableRecord,
  validatePayload,
} from '../model/journalRecord';

/** The `prev` of the first record. */
export const GENESIS = '0'.repeat(64);

export function hashLine(line: string): string {
  return createHash('sha256').update(line).digest('hex');
}

import { inertJson } from '../text/inert';
import { UserError } from '../userError';

/** How long an append waits for a lock held by a live process before it gives up and says so. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A cross-process mutex: a lock file created with O_EXCL holding "pid@host". A lock left by a
 * process that died (SIGKILL mid-append) is taken over; the takeover goes through a rename so that
 * two processes cannot both steal it. A lock held by a live process is waited for at most `waitMs`,
 * then the append fails with a message naming the holder.
 */
function withFileLock<T>(lockPath: string, waitMs: number, fn: () => T): T {
  const me = `${process.pid}@${hostname()}`;
  // The lock appears with its content in one step (link of a filled temp file), so a holder killed
  // at any moment never leaves an empty, unattributable lock behind.
  const mine = `${lockPath}.${process.pid}`;
  const fd = openPrivate(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    writeSync(fd, me);
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + waitMs;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder = '';
      try {
        holder = readFileSync(lockPath, 'utf8');
      } catch {
        continue; // released between our attempts
      }
      const [pid, host] = holder.split('@');
      if (host === hostname() && !processAlive(Number(pid))) {
        const aside = `${lockPath}.stale-${process.pid}`;
        try {
          renameSync(lockPath, aside);
          if (readFileSync(aside, 'utf8') === holder) unlinkSync(aside);
          else renameSync(aside, lockPath); // we moved a live lock: put it back
        } catch {
          // Someone else took it over first.
        }
        continue;
      }
      if (Date.now() >= deadline)
        throw new UserError(
          [
            `opsconsole: the incident journal is locked by process ${holder || '(unknown)'}, which is still running; nothing was recorded.`,
            `  lock: ${lockPath}`,
            `  fix: an append takes milliseconds, so that process is stuck: check it (ps -p ${pid}), stop it, and try again.`,
          ].join('\n'),
          1,
        );
      sleepSync(Math.min(20, 1 + attempt, Math.max(1, deadline - Date.now())));
    }
  } finally {
    unlinkSync(mine);
  }
  try {
    return fn();
  } finally {
    unlinkSync(lockPath);
  }
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

const CHAIN_START: ChainPosition = { line: 0, seq: 0, hash: GENESIS };

/** How far a reader has read a journal: bytes and chain position. */
export interface JournalCursor extends ChainPosition {
  offset: number;
}

export const JOURNAL_START: JournalCursor = { ...CHAIN_START, offset: 0 };

/**
 * The records appended since `cursor`, verified to chain on from it, and the new cursor. When the
 * file no longer continues from the cursor (shrunk, or replaced by a repair), `restart` is true and
 * the caller reads it whole.
 */
export function readJournalFrom(
  path: string,
  cursor: JournalCursor,
): JournalRead & { cursor: JournalCursor; restart: boolean } {
  const text = readJournalTail(path, cursor.offset);
  if (text === undefined) return { records: [], unreadable: [], cursor, restart: true };
  const parsed = parseJournal(text, cursor);
  if (cursor.offset > 0 && parsed.damage?.line === cursor.line + 1)
    return { records: [], unreadable: [], cursor, restart: true };
  const lines = text.slice(0, parsed.goodBytes).split('\n').length - 1;
  return {
    records: parsed.records,
    unreadable: parsed.unreadable,
    ...(parsed.damage && { damage: parsed.damage }),
    cursor: { offset: cursor.offset + parsed.goodBytes, line: cursor.line + lines, ...parsed.tail },
    restart: false,
  };
}

/** The sidecar that remembers the last record appended, so that editing or deleting it shows too. */
function headPath(journalPath: string): string {
  return `${journalPath}.head`;
}

interface JournalHead {
  seq: number;
  hash: string;
}

function readHead(journalPath: string): JournalHead | undefined {
  try {
    const head = JSON.parse(readFileSync(headPath(journalPath), 'utf8')) as JournalHead;
    return Number.isInteger(head.seq) && typeof head.hash === 'string' ? head : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the chain's end against the head written by the last append. */
function checkHead(
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
  // The head may lag by the records of an append interrupted before it was updated; it must still
  // name a line of the chain with the hash it had.
  const lineNo = parsed.lineOfSeq.get(head.seq);
  const line = lineNo === undefined ? undefined : lines[lineNo - 1];
  if (lineNo !== undefined && line !== undefined && hashLine(line) !== head.hash)
    return { line: lineNo, seq: head.seq, reason: `record #${head.seq} was changed after it was written` };
  return undefined;
}

/** Reads a journal file without following symlinks; a clear UserError when it cannot be read. */
export function readJournalText(path: string): string {
  return readJournalTail(path, 0) as string;
}

/** The journal's bytes from `from` on (a line boundary), or undefined when the file is now shorter. */
function readJournalTail(path: string, from: number): string | undefined {
  let fd: number;
  try {
    fd = openPrivate(path, constants.O_RDONLY);
  } catch (err) {
    throw new UserError(`opsconsole: cannot read the journal ${path}: ${journalOpenError(err)}`, 1);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new UserError(`opsconsole: cannot read the journal ${path}: it is not a regular file`, 1);
    if (st.size < from) return undefined;
    return readFd(fd, st.size, from);
  } finally {
    closeSync(fd);
  }
}

function journalOpenError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ELOOP':
      return 'it is a symbolic link, which opsconsole never follows for a journal.\n  fix: move the real file into place.';
    case 'EISDIR':
      return 'it is a directory.\n  fix: move it aside; a journal is a file.';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.\n  fix: run as the user who owns the state directory.';
    case 'ENOENT':
      return 'no such file.';
    default:
      return String((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
}

/** A journal read and verified: its records and, when the chain is broken, where. */
export interface JournalRead {
  records: JournalRecord[];
  unreadable: UnreadableRecord[];
  damage?: JournalDamage;
}

export function readJournal(path: string): JournalRead {
  const text = readJournalText(path);
  const parsed = parseJournal(text);
  const damage = checkHead(parsed, text, readHead(path));
  return { records: parsed.records, unreadable: parsed.unreadable, ...(damage && { damage }) };
}

export function defaultActor(): string {
  const user = process.env.SUDO_USER || process.env.USER || process.env.LOGNAME || userInfo().username;
  return `${user}@${hostname()}`;
}

/** Refusing to append to a broken chain: the operator decides, with `incident repair`. */
export class JournalDamagedError extends UserError {
  constructor(path: string, damage: JournalDamage, id: string) {
    super(
      [
        `opsconsole: the journal of ${id} is damaged at ${describeDamage(damage)}.`,
        `  file: ${path}`,
        '  nothing was recorded, and nothing in the file was changed.',
        `  fix: \`opsconsole incident repair ${id}\` keeps this file aside and writes a new chained journal of every readable record.`,
      ].join('\n'),
      1,
    );
    this.name = 'JournalDamagedError';
  }
}

function incidentIdOf(path: string): string {
  return (path.split('/').at(-1) ?? path).replace(/\.jsonl$/, '');
}

/**
 * One incident's append-only JSONL journal, a SHA-256 hash chain. `append` returns only after the
 * record is synced to disk, so whatever the caller then shows or counts survives a crash. Several
 * processes may append at once: a lock file serializes them, and each append re-reads and verifies
 * what others wrote before it. A torn last line (a writer killed mid-append) is truncated and the
 * truncation itself recorded; a chain broken anywhere else is refused until `repair`.
 */
export class Journal {
  private tail: { seq: number; hash: string; size: number } | undefined;
  /** Bytes of a torn record found and truncated, to be recorded with the next append. */
  private tornBytes = 0;

  constructor(
    readonly path: string,
    private readonly actor = defaultActor(),
    private readonly lockWaitMs = DEFAULT_LOCK_WAIT_MS,
  ) {
    ensurePrivateDir(dirname(path));
  }

  append<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord {
    // A writer's bug must not become a record nobody can read: the payload is checked first.
    validatePayload(kind, payload);
    return withFileLock(`${this.path}.lock`, this.lockWaitMs, () => {
      let fd: number;
      try {
        fd = openPrivate(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT);
      } catch (err) {
        throw new UserError(`opsconsole: cannot open the journal ${this.path}: ${journalOpenError(err)}`, 1);
      }
      try {
        let tail = this.currentTail(fd);
        const write = <W extends RecordKind>(k: W, p: PayloadInput<W>, when?: number): JournalRecord => {
          const record = {
            seq: tail.seq + 1,
            ts: new Date().toISOString(),
            ...(when !== undefined && { at: new Date(when).toISOString() }),
            kind: k,
            actor: this.actor,
            payload: p,
            prev: tail.hash,
          };
          const line = inertJson(record);
          const bytes = Buffer.from(`${line}\n`);
          writeSync(fd, bytes);
          fsyncSync(fd);
          tail = { seq: record.seq, hash: hashLine(line), size: tail.size + bytes.length };
          return { ...record, payload: validatePayload(k, p) } as JournalRecord;
        };
        if (this.tornBytes > 0) {
          const dropped = this.tornBytes;
          this.tornBytes = 0;
          write('journal.recovered', { droppedBytes: dropped, reason: 'torn last record truncated on open' });
        }
        const record = write(kind, payload, at);
        this.tail = tail;
        writeFileAtomic(headPath(this.path), `${JSON.stringify({ seq: tail.seq, hash: tail.hash })}\n`);
        return record;
      } finally {
        closeSync(fd);
      }
    });
  }

  /** Last seq and hash, re-reading and verifying what other writers appended since our last append. */
  private currentTail(fd: number): { seq: number; hash: string; size: number } {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`opsconsole: the journal ${this.path} is not a regular file`, 1);
    if (this.tail && this.tail.size === st.size) return this.tail;
    const text = readFd(fd, st.size);
    const parsed = parseJournal(text);
    const damage = checkHead(parsed, text, readHead(this.path));
    if (damage) throw new JournalDamagedError(this.path, damage, incidentIdOf(this.path));
    if (parsed.tornBytes > 0) {
      ftruncateSync(fd, parsed.goodBytes);
      fsyncSync(fd);
      this.tornBytes = parsed.tornBytes;
    }
    return { ...parsed.tail, size: parsed.goodBytes };
  }

  /**
   * Makes a damaged journal appendable again without losing anything: the file is first copied
   * aside unchanged, then replaced (atomically) by a chain of every record that parses, in file
   * order, followed by a `journal.repaired` record that names the copy, the damage and the text of
   * every line that could not be read.
   */
  repair(): { keptAt: string; records: number; unreadable: number; damage?: JournalDamage } {
    return withFileLock(`${this.path}.lock`, this.lockWaitMs, () => {
      const text = readJournalText(this.path);
      const parsed = parseJournal(text);
      const damage = checkHead(parsed, text, readHead(this.path));
      const keptAt = `${this.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      copyFileSync(this.path, keptAt, constants.COPYFILE_EXCL);
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
        actor: this.actor,
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
      writeFileAtomic(this.path, `${out.join('\n')}\n`);
      writeFileAtomic(headPath(this.path), `${JSON.stringify({ seq: seq, hash: prev })}\n`);
      this.tail = undefined;
      return {
        keptAt,
        records: readable.length,
        unreadable: unreadable.length + outOfOrder.length,
        ...(damage && { damage }),
      };
    });
  }
}

function readFd(fd: number, size: number, from = 0): string {
  const buf = Buffer.alloc(size - from);
  let read = 0;
  while (read < buf.length) {
    const n = readSync(fd, buf, read, buf.length - read, from + read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read).toString('utf8');
}
