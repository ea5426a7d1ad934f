import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { GENESIS, hashLine, isJournalRecord, type JournalRecord, type RecordKind } from './journalRecord';

const LOCK_TIMEOUT_MS = 10_000;
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
 * two processes cannot both steal it.
 */
function withFileLock<T>(lockPath: string, fn: () => T): T {
  const me = `${process.pid}@${hostname()}`;
  // The lock appears with its content in one step (link of a filled temp file), so a holder killed
  // at any moment never leaves an empty, unattributable lock behind.
  const mine = `${lockPath}.${process.pid}`;
  writeFileSync(mine, me);
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
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
      if (Date.now() > deadline)
        throw new Error(`journal is locked by ${holder || 'another process'}: ${lockPath}`);
      sleepSync(Math.min(20, 1 + attempt));
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

export interface JournalTail {
  seq: number;
  hash: string;
  size: number;
}

/** Parses a journal's text; a final line without newline or that does not parse is reported as torn. */
export function parseJournal(text: string): {
  records: JournalRecord[];
  goodBytes: number;
  tornBytes: number;
} {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) break;
    const line = text.slice(offset, nl);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      break;
    }
    if (!isJournalRecord(parsed)) break;
    records.push(parsed);
    offset = nl + 1;
  }
  const goodBytes = Buffer.byteLength(text.slice(0, offset));
  return { records, goodBytes, tornBytes: Buffer.byteLength(text) - goodBytes };
}

export function readJournal(path: string): JournalRecord[] {
  return parseJournal(readFileSync(path, 'utf8')).records;
}

/** Checks the hash chain; returns the seq of the first record whose `prev` does not match, if any. */
export function verifyChain(text: string): number | undefined {
  let prev = GENESIS;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as JournalRecord;
    if (r.prev !== prev) return r.seq;
    prev = hashLine(line);
  }
  return undefined;
}

export function defaultActor(): string {
  const user = process.env.SUDO_USER || process.env.USER || process.env.LOGNAME || userInfo().username;
  return `${user}@${hostname()}`;
}

/**
 * One incident's append-only JSONL journal. `append` returns only after the record is synced to
 * disk, so whatever the caller then shows or counts survives a crash. Several processes may append
 * at once: a lock file serializes them, and each append re-reads what others wrote before it.
 * A torn last record (a writer killed mid-line) is truncated and the truncation itself recorded.
 */
export class Journal {
  private tail: JournalTail | undefined;
  /** Bytes of a torn record found and truncated, to be recorded with the next append. */
  private tornBytes = 0;

  constructor(
    readonly path: string,
    private readonly actor = defaultActor(),
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(kind: RecordKind, payload: Record<string, unknown>, at?: number): JournalRecord {
    return withFileLock(`${this.path}.lock`, () => {
      const fd = openSync(this.path, 'a+');
      try {
        let tail = this.currentTail(fd);
        const write = (k: RecordKind, p: Record<string, unknown>, when?: number): JournalRecord => {
          const record: JournalRecord = {
            seq: tail.seq + 1,
            ts: new Date().toISOString(),
            ...(when !== undefined && { at: new Date(when).toISOString() }),
            kind: k,
            actor: this.actor,
            payload: p,
            prev: tail.hash,
          };
          const line = JSON.stringify(record);
          const bytes = Buffer.from(`${line}\n`);
          writeSync(fd, bytes);
          fsyncSync(fd);
          tail = { seq: record.seq, hash: hashLine(line), size: tail.size + bytes.length };
          return record;
        };
        if (this.tornBytes > 0) {
          const dropped = this.tornBytes;
          this.tornBytes = 0;
          write('journal.recovered', { droppedBytes: dropped, reason: 'torn last record truncated on open' });
        }
        const record = write(kind, payload, at);
        this.tail = tail;
        return record;
      } finally {
        closeSync(fd);
      }
    });
  }

  /** Last seq and hash, re-reading only what other writers appended since our last append. */
  private currentTail(fd: number): JournalTail {
    const size = fstatSync(fd).size;
    if (this.tail && this.tail.size === size) return this.tail;
    const text = readFd(fd, size);
    const { records, goodBytes, tornBytes } = parseJournal(text);
    if (tornBytes > 0) {
      // ftruncate through a second descriptor: "a+" descriptors cannot be truncated on every platform.
      const w = openSync(this.path, 'r+');
      try {
        ftruncateSync(w, goodBytes);
        fsyncSync(w);
      } finally {
        closeSync(w);
      }
      this.tornBytes = tornBytes;
    }
    const last = records.at(-1);
    const lastLine = last ? text.slice(0, goodBytes).trimEnd().split('\n').at(-1) : undefined;
    return { seq: last?.seq ?? 0, hash: lastLine ? hashLine(lastLine) : GENESIS, size: goodBytes };
  }
}

function readFd(fd: number, size: number): string {
  const buf = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, buf, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read).toString('utf8');
}
