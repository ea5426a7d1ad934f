import {
  closeSync,
  constants,
  linkSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { openPrivate } from '../files/privateFiles';
import { UserError } from '../userError';
import { onFile } from './journalFiles';

/** How long an append waits for a lock held by a live process before it gives up and says so. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function processAlive(pid: number): boolean {
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
export function withFileLock<T>(lockPath: string, waitMs: number, fn: () => T): T {
  const me = `${process.pid}@${hostname()}`;
  // The lock appears with its content in one step (link of a filled temp file), so a holder killed
  // at any moment never leaves an empty, unattributable lock behind.
  const mine = `${lockPath}.${process.pid}`;
  onFile(lockPath, () => {
    const fd = openPrivate(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
    try {
      // A full disk may take the file and not its content: nothing half-made is left behind.
      if (writeSync(fd, me) !== Buffer.byteLength(me))
        throw Object.assign(new Error('the lock was written in part'), { code: 'ENOSPC' });
    } catch (err) {
      rmSync(mine, { force: true });
      throw err;
    } finally {
      closeSync(fd);
    }
  });
  const deadline = Date.now() + waitMs;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        onFile(lockPath, () => linkSync(mine, lockPath));
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
