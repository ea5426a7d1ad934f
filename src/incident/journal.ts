import {
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  readSync,
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
            actor: actingAs.getStore() ?? this.actor,
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
