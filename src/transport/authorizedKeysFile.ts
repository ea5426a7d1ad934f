import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import ssh2, { type ParsedKey } from 'ssh2';
import { type AuthorizedKey, AuthorizedKeysError, parseAuthorizedKeys } from './authorizedKeys';

/**
 * The largest authorized-keys file read: about 10,000 ed25519 keys. A bigger one is refused whole
 * (every key with it), as a file that cannot be read is: it is not a team's list of people.
 */
export const AUTHORIZED_KEYS_MAX_BYTES = 1024 * 1024;

/**
 * A file changed this recently may change again within the clock's granularity without its size or
 * time moving, so it is read again at the next look rather than trusted (git's "racily clean").
 */
const RACY_MS = 2000;

export interface KnownKey {
  entry: AuthorizedKey;
  parsed: ParsedKey;
}

/** The keys that may connect now, or why none may. */
export type KeysNow = { usable: true; keys: KnownKey[] } | { usable: false; problem: string };

/** What identifies one version of the file: the stat that was read, as a string. */
function versionOf(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/** The file's text, refusing what is not a regular file (a FIFO, /dev/zero) and what is too big. */
function readCapped(path: string): string {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new AuthorizedKeysError(`${path}: not a regular file`);
    if (stat.size > AUTHORIZED_KEYS_MAX_BYTES)
      throw new AuthorizedKeysError(
        `${path}: ${stat.size} bytes, more than the ${AUTHORIZED_KEYS_MAX_BYTES} an authorized-keys file may have`,
      );
    // Read at most one byte past the cap: a file growing while read is refused, not followed.
    const buffer = Buffer.alloc(AUTHORIZED_KEYS_MAX_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > AUTHORIZED_KEYS_MAX_BYTES)
      throw new AuthorizedKeysError(`${path}: grew past ${AUTHORIZED_KEYS_MAX_BYTES} bytes while read`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Every key of the file, parsed by ssh2 as the server will check it; any doubt refuses the file. */
function parseKeys(text: string, path: string): KnownKey[] {
  return parseAuthorizedKeys(text, path).map((entry) => {
    const parsed = ssh2.utils.parseKey(`${entry.type} ${entry.blob}`);
    if (parsed instanceof Error)
      throw new AuthorizedKeysError(`${path}:${entry.line}: not a key ssh2 can read (${parsed.message})`);
    return { entry, parsed: Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed };
  });
}

/**
 * The authorized-keys file as the server sees it: read once per change (by its stat), and the one
 * parsed copy shared by every connection. A file that cannot be read or parsed refuses every key
 * until it is fixed: never the last good copy, which may hold the key someone meant to remove.
 * `onChange` hears each new version's outcome once (the count of keys, or the problem).
 */
export class AuthorizedKeysFile {
  private version: string | undefined;
  private racy = true;
  private now: KeysNow | undefined;

  constructor(
    readonly path: string,
    private readonly onChange: (now: KeysNow) => void = () => {},
  ) {}

  /** The keys as the file holds them now, read again only if it changed. */
  current(): KeysNow {
    let version: string;
    let changedAt = 0;
    try {
      const stat = statSync(this.path);
      version = versionOf(stat);
      changedAt = stat.mtimeMs;
    } catch (err) {
      version = `missing:${(err as NodeJS.ErrnoException).code}`;
    }
    if (this.now && version === this.version && !this.racy) return this.now;
    const previous = this.now;
    // Labelled with the stat taken before the read: the text read is at least that new.
    this.version = version;
    this.racy = Date.now() - changedAt < RACY_MS;
    this.now = this.read();
    if (!previous || !sameOutcome(previous, this.now)) this.onChange(this.now);
    return this.now;
  }

  private read(): KeysNow {
    try {
      return { usable: true, keys: parseKeys(readCapped(this.path), this.path) };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return {
        usable: false,
        problem:
          err instanceof AuthorizedKeysError
            ? e.message
            : `${this.path}: cannot read it (${e.code ?? e.message})`,
      };
    }
  }
}

function sameOutcome(a: KeysNow, b: KeysNow): boolean {
  if (a.usable !== b.usable) return false;
  if (!a.usable || !b.usable)
    return (a as { problem: string }).problem === (b as { problem: string }).problem;
  return (
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => {
      const other = b.keys[i]?.entry;
      return other?.blob === k.entry.blob && other.name === k.entry.name && other.role === k.entry.role;
    })
  );
}
