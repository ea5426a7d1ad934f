import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inertText } from '../text/inert';
import { UserError } from '../userError';

/**
 * Incident data (hostnames, commands, log lines) is private whatever the operator's umask: every
 * directory opsconsole creates is 0700 and every file 0600. The umask can only remove bits, so the
 * modes are set explicitly after creation rather than trusted to `mode` options.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` and any missing parents, each 0700; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory())
        throw new UserError(`opsconsole: ${d} exists but is not a directory.\n  fix: move it aside.`, 1);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(d);
      if (dirname(d) === d) break;
    }
  }
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const d of missing) chmodSync(d, PRIVATE_DIR_MODE);
}

/** Opens (creating 0600 when absent) without following a symlink at the last component. */
export function openPrivate(path: string, flags: number): number {
  const fd = openSync(path, flags | constants.O_NOFOLLOW, PRIVATE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & 0o777 & ~PRIVATE_FILE_MODE) !== 0) fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/** Why a path cannot be written, in words an operator can act on. */
export function describeWriteError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: `the directory ${dirname(path)} does not exist.\n  fix: create it, or choose another path.`,
    ENOTDIR: `a part of ${dirname(path)} is not a directory.\n  fix: choose another path.`,
    EISDIR: `${path} is a directory.\n  fix: give a file name, e.g. ${join(path, 'postmortem.md')}.`,
    EACCES: `permission denied.\n  fix: choose a path you can write, or check its permissions.`,
    EPERM: `permission denied.\n  fix: choose a path you can write, or check its permissions.`,
    EROFS: 'the file system is read-only.\n  fix: choose another path.',
    ENOSPC: 'no space left on the device.\n  fix: free some space, or write elsewhere.',
    EDQUOT: 'the disk quota is exhausted.\n  fix: free some space, or write elsewhere.',
    ELOOP: `${path} is a symbolic link, which opsconsole does not follow for private files.\n  fix: give the real path.`,
  };
  return reasons[code ?? ''] ?? `${code ?? (err as Error).message}`;
}

/** A path that cannot name a file is a usage error (2); a file system that refuses is a failure (1). */
function writeError(path: string, err: unknown): UserError {
  const badPath = ['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP'].includes(
    (err as NodeJS.ErrnoException).code ?? '',
  );
  const error = new UserError(
    `opsconsole: cannot write ${path}: ${describeWriteError(path, err)}`,
    badPath ? 2 : 1,
  );
  // The errno error stays reachable (naming the target, not the temp file) for callers that must
  // tell a full disk from a bad path, such as the journal taking back a record whose head failed.
  if (err instanceof Error) error.cause = Object.assign(err, { path });
  return error;
}

/**
 * Writes a file so that a reader (or a crash) sees the old content or the new, never half: temp
 * file in the same directory, fsync, rename over the target, fsync the directory. The result is
 * 0600, or stricter when the file it replaces was stricter. Any failure leaves no temp file and
 * throws a UserError that names the path and the reason. Every file opsconsole writes for people to
 * read (exports, imported playbooks) goes through here, so its text is made inert here too.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  let mode = PRIVATE_FILE_MODE;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    mode &= st.mode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw writeError(path, err);
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE);
    fchmodSync(fd, mode);
    // Binary content (a recording) is written as it is; its text was made inert when encoded.
    const data = typeof content === 'string' ? Buffer.from(inertText(content)) : content;
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw writeError(path, err);
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
