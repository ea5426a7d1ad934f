import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { IncidentState } from '../incident/incidentState';
import { decodeRecording, RecordingFormatError } from '../logstore/recordingFile';
import { keepRange, keptRanges, readEvents, releaseRange } from '../logstore/recordingStore';
import { toStoredLine } from '../logstore/storedLine';
import { openStoreForReading, openStoreForWriting, storePath } from '../logstore/storeFile';
import { StoreReader } from '../logstore/storeReader';
import { RECORDING_FORMAT, type Recording } from '../model/recording';
import { keptRangeOf } from '../session/recordingTap';
import { createRedactor, redactDeep } from '../text/redact';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';

declare const OPSCONSOLE_VERSION: string;
const VERSION = typeof OPSCONSOLE_VERSION === 'string' ? OPSCONSOLE_VERSION : 'dev';

/** The most log lines one recording holds: a flood past it is cut at the newest, and said. */
const MAX_RECORDING_LINES = 3_000_000;
/** The largest recording file read: a file past it is refused before it is read. */
const MAX_RECORDING_FILE_BYTES = 2 * 1024 ** 3;

/**
 * Which environment's store holds an incident's signals: the one that keeps its range, else the
 * one `--env` names, else the only store there is.
 */
export function storeOfIncident(
  stateDir: string,
  id: string,
  env?: string,
): { environment: string; path: string } | undefined {
  if (env) return { environment: env, path: storePath(stateDir, env) };
  const dir = join(stateDir, 'logs');
  const stores = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.db')) : [];
  const named = stores.map((f) => ({ environment: decodeURIComponent(f.slice(0, -3)), path: join(dir, f) }));
  for (const s of named) {
    const db = openStoreForReading(s.path);
    try {
      if (db && keptRanges(db).some((k) => k.incident === id)) return s;
    } finally {
      db?.close();
    }
  }
  return named.length === 1 ? named[0] : undefined;
}

/**
 * An incident's recording from this machine's state: its journal, and the lines and events its
 * store holds from half an hour before it began until it was resolved (or now), redacted with the
 * rules of the draft. `warn` hears what is missing.
 */
export function recordingOfIncident(
  stateDir: string,
  state: IncidentState,
  secrets: string[],
  warn: (message: string) => void,
  env?: string,
): Recording {
  const range = keptRangeOf(state);
  const to = range.to ?? Date.now();
  const store = storeOfIncident(stateDir, state.id, env);
  const db = store && openStoreForReading(store.path);
  if (!db) warn(`no log store holds ${state.id}'s signals; the recording has its journal only`);
  const signals = db ? readSignals(db, range.from, to, warn) : { lines: [], events: [] };
  db?.close();
  const redact = createRedactor(secrets);
  return {
    header: {
      format: RECORDING_FORMAT,
      writer: VERSION,
      incident: state.id,
      environment: store?.environment ?? 'unknown',
      from: range.from,
      to,
      createdAt: Date.now(),
    },
    journal: redactDeep(state.records, redact),
    lines: redactDeep(signals.lines, redact),
    events: redactDeep(signals.events, redact),
  };
}

function readSignals(db: DatabaseSync, from: number, to: number, warn: (m: string) => void) {
  const lines: ReturnType<typeof toStoredLine>[] = [];
  const reader = new StoreReader(db);
  for (const r of reader.lines({ since: from, until: to })) lines.push(toStoredLine(r));
  lines.sort((a, b) => a[0] - b[0]);
  if (lines.length > MAX_RECORDING_LINES) {
    warn(`${lines.length} log lines in the span; the recording keeps the newest ${MAX_RECORDING_LINES}`);
    lines.splice(0, lines.length - MAX_RECORDING_LINES);
  }
  if (reader.problems.damagedBlocks > 0)
    warn(`${reader.problems.damagedBlocks} damaged blocks of the log store were left out`);
  const { events, damagedBlocks } = readEvents(db, from, to);
  if (damagedBlocks > 0) warn(`${damagedBlocks} damaged blocks of recorded events were left out`);
  return { lines, events };
}

/** Whether a replay's argument names a file (rather than an incident id). */
export function isRecordingPath(arg: string): boolean {
  return arg.includes('/') || existsSync(arg);
}

/** A recording file, read whole; refused with the reason when it is not one this version plays. */
export function readRecordingFile(path: string): Recording {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UserError(`opsconsole: ${sanitize(path)} is not a file`, 2);
    size = st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `opsconsole: cannot read ${sanitize(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      2,
    );
  }
  if (size > MAX_RECORDING_FILE_BYTES)
    throw new UserError(
      `opsconsole: ${sanitize(path)} is ${size} bytes, more than a recording may be (2 GiB)`,
      2,
    );
  try {
    return decodeRecording(readFileSync(path), sanitize(basename(path)));
  } catch (err) {
    if (err instanceof RecordingFormatError) throw new UserError(`opsconsole: ${err.message}`, 2);
    throw err;
  }
}

/** `incident keep`: the incident's range is kept from eviction in its environment's store. */
export function keepIncident(stateDir: string, state: IncidentState, env?: string): string {
  const store = storeOfIncident(stateDir, state.id, env) ?? onlyStoreError(state.id);
  const { db } = openStoreForWriting(store.path);
  try {
    keepRange(db, keptRangeOf(state));
  } finally {
    db.close();
  }
  return store.environment;
}

/** `incident release` (and an exported recording): the range may be evicted again. */
export function releaseIncident(stateDir: string, id: string, env?: string): boolean {
  const store = storeOfIncident(stateDir, id, env);
  if (!store || !existsSync(store.path)) return false;
  const { db } = openStoreForWriting(store.path);
  try {
    return releaseRange(db, id);
  } finally {
    db.close();
  }
}

function onlyStoreError(id: string): never {
  throw new UserError(
    `opsconsole: no log store is known to hold ${id}'s signals.\n  fix: name the environment with --env NAME.`,
    2,
  );
}
