import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findConfig, loadConfigFile } from '../config/load';
import { stateDirFor } from '../config/paths';
import type { LogFilter } from '../logs/logFilter';
import { openStoreForReading, StoreVersionError, storePath } from '../logstore/storeFile';
import { StoreReader } from '../logstore/storeReader';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { formatLogLine } from './logLineFormat';
import { stderr, stdout } from './output';

/** Flags that read live inputs: they have no meaning for what is already stored. */
const LIVE_FLAGS = ['file', 'cmd', 'follow', 'store', 'patterns', 'new-since'];

/**
 * `logs --stored`: the lines the console (or `serve`) kept for an environment, filtered as the log
 * pane filters them, oldest first, written as fast as the reader takes them and no faster.
 */
export async function printStoredLogs(
  values: Record<string, unknown>,
  config: string | undefined,
  q: { filter: LogFilter; since?: number | undefined; until?: number | undefined; json: boolean },
): Promise<number> {
  const live = LIVE_FLAGS.filter((f) => values[f] !== undefined);
  if (live.length > 0)
    throw new UserError(
      `opsconsole: logs: --stored reads what the console kept; it does not go with --${live.join(', --')}`,
    );
  const path = findConfig(config);
  const loaded = path ? loadConfigFile(path) : undefined;
  const stateDir = stateDirFor(loaded);
  const environment = environmentOf(values.env, loaded?.config, stateDir);
  const file = storePath(stateDir, environment);
  let db: ReturnType<typeof openStoreForReading>;
  try {
    db = openStoreForReading(file);
  } catch (err) {
    if (err instanceof StoreVersionError) throw new UserError(`opsconsole: ${err.message}`, 1);
    throw new UserError(`opsconsole: cannot read the log store ${file}: ${(err as Error).message}`, 1);
  }
  if (!db)
    throw new UserError(
      `opsconsole: logs: nothing stored for ${sanitize(environment)} yet (${file})\n  fix: the console and serve keep every line they see there while they run`,
      1,
    );
  const reader = new StoreReader(db);
  const out: string[] = [];
  let printed = 0;
  try {
    for (const r of reader.lines({ filter: q.filter, since: q.since, until: q.until })) {
      printed++;
      out.push(formatLogLine(r, { json: q.json, withSource: true }));
      if (out.length >= 1000) {
        stdout.write(`${out.join('\n')}\n`);
        out.length = 0;
        await stdout.drained();
        if (stdout.readerGone) return 0;
      }
    }
    if (out.length > 0) stdout.write(`${out.join('\n')}\n`);
  } catch (err) {
    // SQLite's own word for a damaged file; what came before it was printed.
    if (out.length > 0) stdout.write(`${out.join('\n')}\n`);
    throw new UserError(
      `opsconsole: the log store ${file} could not be read ${printed === 0 ? 'at all' : `past the ${printed} lines printed`}: ${sanitize((err as Error).message)}\n  fix: move it aside (mv ${file} ${file}.damaged); the console starts a new one, and sqlite3's .recover can save what is readable`,
      1,
    );
  } finally {
    db.close();
  }
  if (reader.problems.damagedBlocks > 0)
    stderr.line(
      `opsconsole: logs: ${reader.problems.damagedBlocks} damaged block(s) of ${file} could not be read and were skipped`,
    );
  return 0;
}

/** --env, else the config's default or only environment, else the one store there is. */
export function environmentOf(
  flag: unknown,
  config: { defaultEnvironment?: string | undefined; environments: Record<string, unknown> } | undefined,
  stateDir: string,
): string {
  if (typeof flag === 'string') return flag;
  if (config?.defaultEnvironment) return config.defaultEnvironment;
  const names = config ? Object.keys(config.environments) : storedEnvironments(stateDir);
  if (names.length === 1) return names[0] as string;
  throw new UserError(
    names.length === 0
      ? `opsconsole: logs: no log store in ${join(stateDir, 'logs')}\n  fix: run the console (or opsconsole demo) first; it keeps every line it sees`
      : `opsconsole: logs: --stored needs --env NAME: stores for ${names.map((n) => sanitize(n)).join(', ')}`,
  );
}

function storedEnvironments(stateDir: string): string[] {
  try {
    return readdirSync(join(stateDir, 'logs'))
      .filter((f) => f.endsWith('.db'))
      .map((f) => decodeURIComponent(f.slice(0, -3)));
  } catch {
    return [];
  }
}
