import { closeSync, constants, existsSync, fstatSync, fsyncSync, ftruncateSync, readSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { ensurePrivateDir, openPrivate, writeFileAtomic } from '../files/privateFiles';
import {
  describeDamage,
  type JournalDamage,
  type JournalRecord,
  type PayloadInput,
  type RecordKind,
  type UnreadableRecord,
  validatePayload,
} from '../model/journalRecord';
import { inertJson } from '../text/inert';
import { UserError } from '../userError';
import { actingAs } from './actingAs';
import { DEFAULT_LOCK_WAIT_MS, withFileLock } from './fileLock';
import {
  checkHead,
  GENESIS,
  hashLine,
  headPath,
  type JournalCursor,
  parseJournal,
  readHead,
} from './journalChain';
import {
  asJournalWriteError,
  createJournalFile,
  incidentIdOf,
  onFile,
  takeBack,
  writeAllSynced,
} from './journalFiles';
import { type RepairResult, repairJournal } from './journalRepair';

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

/** Seq and hash of the last record, and the journal's length in bytes after it. */
interface JournalTail {
  seq: number;
  hash: string;
  size: number;
}

const EMPTY_TAIL: JournalTail = { seq: 0, hash: GENESIS, size: 0 };

function headText(tail: JournalTail): string {
  return `${JSON.stringify({ seq: tail.seq, hash: tail.hash })}\n`;
}

/**
 * One incident's append-only JSONL journal, a SHA-256 hash chain. `append` returns only after the
 * record is synced to disk and the head names it, so whatever the caller then shows or counts
 * survives a crash; an append that fails (a full disk) is taken back, so a record reported failed is
 * never in the journal and a retry never duplicates it. Several processes may append at once: a
 * lock file serializes them, and each append re-reads and verifies what others wrote before it. A
 * torn last line (a writer killed mid-append) is truncated and the truncation itself recorded; a
 * chain broken anywhere else is refused until `repair`.
 */
export class Journal {
  private tail: JournalTail | undefined;
  /** Bytes of a torn record found and truncated, to be recorded with the next append. */
  private tornBytes = 0;

  constructor(
    readonly path: string,
    private readonly actor = defaultActor(),
    private readonly lockWaitMs = DEFAULT_LOCK_WAIT_MS,
    /** The clock records are stamped by: a practice run's is the replay's. */
    private readonly now: () => number = Date.now,
  ) {
    try {
      ensurePrivateDir(dirname(path));
    } catch (err) {
      throw asJournalWriteError(err, path, 'nothing was recorded');
    }
  }

  append<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord {
    // A writer's bug must not become a record nobody can read: the payload is checked first.
    validatePayload(kind, payload);
    // Known before the lock too: a declaration that cannot even take the lock leaves no journal either.
    let creating = !existsSync(this.path);
    try {
      return withFileLock(`${this.path}.lock`, this.lockWaitMs, () => {
        const fd = this.openExisting();
        creating = fd === undefined;
        if (fd === undefined) return this.create(kind, payload, at);
        try {
          return this.appendTo(fd, kind, payload, at);
        } finally {
          closeSync(fd);
        }
      });
    } catch (err) {
      throw asJournalWriteError(
        err,
        this.path,
        creating ? 'nothing was recorded, and no journal was left behind' : 'nothing was recorded',
      );
    }
  }

  /** The journal opened for appending, or undefined when it does not exist yet. */
  private openExisting(): number | undefined {
    try {
      return openPrivate(this.path, constants.O_RDWR | constants.O_APPEND);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`opsconsole: cannot open the journal ${this.path}: ${journalOpenError(err)}`, 1);
    }
  }

  private create<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord {
    const { text, record, tail } = this.compose(EMPTY_TAIL, kind, payload, at);
    createJournalFile(this.path, text, headText(tail));
    this.tail = tail;
    return record;
  }

  private appendTo<K extends RecordKind>(
    fd: number,
    kind: K,
    payload: PayloadInput<K>,
    at?: number,
  ): JournalRecord {
    const before = this.currentTail(fd);
    const { text, record, tail } = this.compose(before, kind, payload, at);
    try {
      writeAllSynced(fd, Buffer.from(text), this.path);
      writeFileAtomic(headPath(this.path), headText(tail));
    } catch (err) {
      // The head names the new record only when its rename landed (what failed came after): then the
      // record is in the journal and vouched for, and it is acknowledged like any other.
      if (readHead(this.path)?.hash !== tail.hash) {
        this.tail = undefined;
        takeBack(fd, before.size, this.path, err);
        throw err;
      }
    }
    this.tornBytes = 0;
    this.tail = tail;
    return record;
  }

  /** The lines of this append (a record of a torn tail truncated first, if any) chained on `tail`. */
  private compose<K extends RecordKind>(
    from: JournalTail,
    kind: K,
    payload: PayloadInput<K>,
    at?: number,
  ): { text: string; record: JournalRecord; tail: JournalTail } {
    let tail = from;
    let text = '';
    const add = <W extends RecordKind>(k: W, p: PayloadInput<W>, when?: number): JournalRecord => {
      const record = {
        seq: tail.seq + 1,
        ts: new Date(this.now()).toISOString(),
        ...(when !== undefined && { at: new Date(when).toISOString() }),
        kind: k,
        actor: actingAs.getStore() ?? this.actor,
        payload: p,
        prev: tail.hash,
      };
      const line = inertJson(record);
      text += `${line}\n`;
      tail = { seq: record.seq, hash: hashLine(line), size: tail.size + Buffer.byteLength(line) + 1 };
      return { ...record, payload: validatePayload(k, p) } as JournalRecord;
    };
    if (this.tornBytes > 0)
      add('journal.recovered', {
        droppedBytes: this.tornBytes,
        reason: 'torn last record truncated on open',
      });
    const record = add(kind, payload, at);
    return { text, record, tail };
  }

  /** Last seq and hash, re-reading and verifying what other writers appended since our last append. */
  private currentTail(fd: number): JournalTail {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`opsconsole: the journal ${this.path} is not a regular file`, 1);
    if (this.tail && this.tail.size === st.size) return this.tail;
    const text = readFd(fd, st.size);
    const parsed = parseJournal(text);
    const damage = checkHead(parsed, text, readHead(this.path));
    if (damage) throw new JournalDamagedError(this.path, damage, incidentIdOf(this.path));
    if (parsed.tornBytes > 0) {
      onFile(this.path, () => {
        ftruncateSync(fd, parsed.goodBytes);
        fsyncSync(fd);
      });
      this.tornBytes = parsed.tornBytes;
    }
    return { ...parsed.tail, size: parsed.goodBytes };
  }

  /**
   * Makes a damaged journal appendable again without losing anything: the file is first kept aside
   * unchanged, then replaced (atomically) by a chain of every record that parses, in file order,
   * followed by a `journal.repaired` record that names the copy, the damage and the text of every
   * line that could not be read. A journal with no readable record (an empty file) has nothing to
   * re-chain: it is moved aside whole, and no longer listed.
   */
  repair(): RepairResult {
    try {
      return withFileLock(`${this.path}.lock`, this.lockWaitMs, () => {
        const result = repairJournal(this.path, readJournalText(this.path), this.actor);
        this.tail = undefined;
        this.tornBytes = 0;
        return result;
      });
    } catch (err) {
      throw asJournalWriteError(err, this.path, 'the repair was not finished');
    }
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
