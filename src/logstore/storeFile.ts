import { closeSync, constants, existsSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDir, openPrivate } from '../files/privateFiles';

/** The store's layout; a store of a later version is refused (never rewritten), an earlier one migrated. */
export const STORE_VERSION = 2;

/**
 * Blocks of lines (zstd-compressed, one JSON tuple per line, see `storedLine.ts`) with, per block,
 * the keys a query narrows by: request id, service, level and template. Each flush's lines are one
 * block, committed at once, so a crash loses only what was not yet handed to the writer; small
 * blocks are merged into larger ones as they age (better compression, fewer keys). A line's number
 * (`seq`) runs on across blocks: a block holds `count` lines from `first_seq`.
 *
 * Version 2 adds the recording: every other source event the console received, a block of JSON
 * lines (`RecordedEvent`) per second, and the time ranges kept from eviction for an incident
 * (`kept`, see `recordingStore.ts`). A version 1 store gains the empty tables when opened to write.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  id INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL UNIQUE,
  count INTEGER NOT NULL,
  t_min INTEGER NOT NULL,
  t_max INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_time ON blocks (t_max, t_min);
CREATE TABLE IF NOT EXISTS block_keys (key TEXT NOT NULL, block INTEGER NOT NULL, PRIMARY KEY (key, block)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS block_keys_block ON block_keys (block);
CREATE TABLE IF NOT EXISTS event_blocks (
  id INTEGER PRIMARY KEY,
  count INTEGER NOT NULL,
  t_min INTEGER NOT NULL,
  t_max INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS event_blocks_time ON event_blocks (t_max, t_min);
CREATE TABLE IF NOT EXISTS kept (
  incident TEXT PRIMARY KEY,
  t_from INTEGER NOT NULL,
  t_to INTEGER
) WITHOUT ROWID;
`;

export class StoreVersionError extends Error {}

/** Where an environment's store lives in the state directory. */
export function storePath(stateDir: string, environment: string): string {
  return join(stateDir, 'logs', `${encodeURIComponent(environment)}.db`);
}

/** How long a reader or a second writer waits for another's transaction before it gives up. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating, 0600 in a 0700 directory) the store for writing. A file that is not a store
 * (damaged past opening) is set aside under a new name, said in `setAside`, and a new one started:
 * the damaged one is kept for whoever wants to look, never deleted.
 */
export function openStoreForWriting(path: string): { db: DatabaseSync; setAside?: string } {
  ensurePrivateDir(dirname(path));
  try {
    return { db: openWritable(path) };
  } catch (err) {
    if (err instanceof StoreVersionError || !isDamaged(err)) throw err;
    const aside = setAside(path);
    return { db: openWritable(path), setAside: aside };
  }
}

/** Moves a damaged store (and its -wal and -shm) aside under a dated name; returns that name. */
export function setAside(path: string): string {
  const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  return aside;
}

function openWritable(path: string): DatabaseSync {
  // SQLite creates the file with the umask's mode, and its -wal and -shm with the file's: make it 0600 first.
  closeSync(openPrivate(path, constants.O_RDWR | constants.O_CREAT));
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: readers (the CLI, a second console) never wait for the writer. NORMAL: a commit survives a
    // crash of the process (what SIGKILL is); a power cut may lose the last commits, never the file.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    // Reads the first page: a file that is not a database is found now. (Not quick_check: on a
    // store of gigabytes it reads every page before the first line could be written.)
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens an existing store to read; undefined when there is none. */
export function openStoreForReading(path: string): DatabaseSync | undefined {
  // Not there is "nothing stored yet"; there but out of reach (EACCES) is an error to say.
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (${path})`);
  }
  const db = new DatabaseSync(path, { readOnly: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const version = versionOf(db);
    if (version !== undefined && version > STORE_VERSION) throw tooNew(path, version);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: DatabaseSync): void {
  const version = versionOf(db);
  if (version !== undefined && version > STORE_VERSION) throw tooNew(db.location() ?? 'the store', version);
  db.exec(SCHEMA);
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('version', String(STORE_VERSION));
}

function versionOf(db: DatabaseSync): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as
    | { value?: string }
    | undefined;
  return row?.value === undefined ? undefined : Number(row.value);
}

function tooNew(path: string, version: number): StoreVersionError {
  return new StoreVersionError(
    `the log store ${path} was written by a newer opsconsole (store version ${version}, this one reads up to ${STORE_VERSION}).\n  fix: run the newer opsconsole, or move the file aside to start a new store.`,
  );
}

export function isDamaged(err: unknown): boolean {
  const code = (err as { errcode?: number }).errcode;
  // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), and their extended codes.
  return code !== undefined && ((code & 0xff) === 11 || (code & 0xff) === 26);
}
