import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../userError';

/**
 * Configurations, playbooks, scenario files and runbooks are a few kilobytes; a file far larger is
 * a mistake (the wrong path, a log file, /dev/zero) and would only exhaust memory in the parser.
 */
export const MAX_USER_FILE_BYTES = 1024 * 1024;

/** How long a FIFO or a terminal may take to deliver its bytes (and a FIFO to get a writer). */
export const USER_FILE_DEADLINE_MS = 5_000;

const CHUNK = 64 * 1024;
const POLL_MS = 20;

export interface ReadLimits {
  maxBytes?: number;
  deadlineMs?: number;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function cannotRead(kind: string, file: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENXIO'
            ? 'it is a socket, not a file'
            : (code ?? (err as Error).message);
  return new UserError(`opsconsole: cannot read ${kind} ${file}: ${why}`);
}

/**
 * The one way a file a user names (on the command line or in the configuration) is read. Whatever
 * it is, a regular file, /dev/zero, /dev/urandom, a FIFO or a terminal, at most `maxBytes` + 1
 * bytes are read before it is refused, and it is opened non-blocking so that a FIFO with no writer
 * or a terminal nobody types into is given up after `deadlineMs` instead of hanging the command.
 */
export function readUserFile(file: string, kind: string, limits: ReadLimits = {}): string {
  const maxBytes = limits.maxBytes ?? MAX_USER_FILE_BYTES;
  const deadline = Date.now() + (limits.deadlineMs ?? USER_FILE_DEADLINE_MS);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw cannotRead(kind, file, err);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw cannotRead(kind, file, { code: 'EISDIR' });
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, Math.min(CHUNK, maxBytes + 1 - total), null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw cannotRead(kind, file, err);
        n = -1; // nothing yet from a FIFO or terminal
      }
      // A FIFO reads as ended (0) while nobody has opened it for writing: wait for a writer too.
      const waiting = n === -1 || (n === 0 && stat.isFIFO() && total === 0);
      if (waiting) {
        if (Date.now() >= deadline) throw tooSlow(kind, file, limits.deadlineMs ?? USER_FILE_DEADLINE_MS);
        pause(POLL_MS);
        continue;
      }
      if (n === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      if (total > maxBytes) throw tooLarge(kind, file, maxBytes);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

function tooLarge(kind: string, file: string, maxBytes: number): UserError {
  return new UserError(
    [
      `opsconsole: cannot read ${kind} ${file}: it holds more than ${mib(maxBytes)}; a ${kind} file may be at most ${mib(maxBytes)}`,
      `  fix: check that ${file} is the ${kind} you meant`,
    ].join('\n'),
  );
}

function tooSlow(kind: string, file: string, deadlineMs: number): UserError {
  return new UserError(
    [
      `opsconsole: cannot read ${kind} ${file}: it did not deliver its end within ${deadlineMs / 1000} s (a FIFO with no writer, or a terminal?)`,
      `  fix: give a regular file, or write the whole ${kind} into the FIFO and close it`,
    ].join('\n'),
  );
}
