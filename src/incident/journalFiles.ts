import {
  closeSync,
  constants,
  fsyncSync,
  ftruncateSync,
  linkSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openPrivate, writeFileAtomic } from '../files/privateFiles';
import { UserError } from '../userError';
import { headPath } from './journalChain';

/**
 * How the journal's files are written so that an append either happens and is acknowledged or is
 * not in the journal at all: on a full disk a write may take part of a record, or the record and not
 * the head that vouches for it. Every write error here carries the path it was writing.
 */

/** Runs `fn`; an errno error it throws is given `path` when it has none (writes to an fd have none). */
export function onFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Error && 'code' in err && !('path' in err)) Object.assign(err, { path });
    throw err;
  }
}

/** Writes every byte (a nearly full disk may take only part of a write), then syncs. */
export function writeAllSynced(fd: number, bytes: Buffer, path: string): void {
  onFile(path, () => {
    for (let done = 0; done < bytes.length; ) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
      done += n;
    }
    fsyncSync(fd);
  });
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes a failed append back: the journal is cut to the length it had before, and synced, so the
 * records of an append reported failed are not in it. Cutting a file needs no free space.
 */
export function takeBack(fd: number, size: number, path: string, failure: unknown): void {
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } catch (err) {
    throw new UserError(
      [
        `opsconsole: the journal of ${incidentIdOf(path)} could not be written: ${reasonOf(failure, path)[0]}, and the partial append could not be taken back (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
        '  the journal may end with a record that was reported failed; do not retry before checking it.',
        '  fix: `opsconsole incident list` shows whether it verifies; then try again.',
      ].join('\n'),
      1,
    );
  }
}

/**
 * Creates a journal with its first records: they are written to a temp file and synced, the head
 * is written, and only then is the file linked into place. A declaration that fails leaves nothing:
 * no empty journal that every later listing would trip over, no head without its journal.
 */
export function createJournalFile(path: string, text: string, head: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.new`);
  let headWritten = false;
  let linked = false;
  try {
    const fd = onFile(path, () =>
      openPrivate(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL),
    );
    try {
      writeAllSynced(fd, Buffer.from(text), path);
    } finally {
      closeSync(fd);
    }
    writeFileAtomic(headPath(path), head);
    headWritten = true;
    onFile(path, () => linkSync(temp, path));
    linked = true;
    onFile(path, () => syncDir(dirname(path)));
  } catch (err) {
    if (linked) rmSync(path, { force: true });
    if (headWritten) rmSync(headPath(path), { force: true });
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function incidentIdOf(path: string): string {
  return (path.split('/').at(-1) ?? path).replace(/\.jsonl$/, '');
}

/** What an operator can do about each way a write fails. */
const WRITE_FAILURES: Record<string, [reason: string, fix: string]> = {
  ENOSPC: ['no space left on the device', 'free some space on that file system, then try again.'],
  EDQUOT: ['the disk quota is exhausted', 'free some space under your quota, then try again.'],
  EROFS: [
    'the file system is read-only',
    'remount it read-write, or point OPSCONSOLE_STATE_DIR at a writable directory.',
  ],
  EIO: ['the device reported an I/O error', 'check the disk (dmesg), then try again.'],
  EACCES: ['permission denied', 'run as the user who owns the state directory.'],
  EPERM: ['permission denied', 'run as the user who owns the state directory.'],
};

/** The errno error behind `err`: itself, or the cause of a UserError from writeFileAtomic. */
function errnoOf(err: unknown): NodeJS.ErrnoException | undefined {
  const e = err instanceof UserError ? (err as { cause?: unknown }).cause : err;
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string'
    ? (e as NodeJS.ErrnoException)
    : undefined;
}

function reasonOf(err: unknown, fallbackPath: string): [reason: string, fix: string] {
  const e = errnoOf(err);
  const [reason, fix] = WRITE_FAILURES[e?.code ?? ''] ?? [e?.code ?? String(err), 'try again.'];
  return [`${reason} (${e?.path ?? fallbackPath})`, fix];
}

/**
 * A write to the journal that failed, in the operator's words: "no space left on the device
 * (PATH)", what was (not) recorded, and the fix; errors that are not write failures pass unchanged.
 */
export function asJournalWriteError(err: unknown, path: string, outcome: string): unknown {
  const code = errnoOf(err)?.code;
  if (code === undefined || !(code in WRITE_FAILURES)) return err;
  const [reason, fix] = reasonOf(err, path);
  return new UserError(
    `opsconsole: the journal of ${incidentIdOf(path)} could not be written: ${reason}; ${outcome}.\n  fix: ${fix}`,
    1,
  );
}
