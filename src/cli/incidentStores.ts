import type { LoadedConfig } from '../config/load';
import { stateDirFor } from '../config/paths';
import { DEFAULT_LOCK_WAIT_MS } from '../incident/fileLock';
import { IncidentRepository } from '../incident/incidentRepository';
import type { IncidentStore } from '../incident/incidentStore';
import { connectionOptions } from '../incident/postgres/connectionOptions';
import { PgIncidentStore } from '../incident/postgres/pgIncidentStore';
import { journalThreadScript } from '../projectRoot';
import { UserError } from '../userError';
import { stderr } from './output';

/**
 * The `store:` of the environment a command works on: `--env`, else the default environment, else
 * the only one; several environments with no default are fine when they name the same store.
 */
export function storeUrlOf(
  loaded: LoadedConfig | undefined,
  envName: string | undefined,
): string | undefined {
  if (!loaded) return undefined;
  const envs = loaded.config.environments;
  const name = envName ?? loaded.config.defaultEnvironment;
  if (name !== undefined) return envs[name]?.store;
  const urls = new Set(Object.values(envs).map((e) => e.store));
  if (urls.size > 1)
    throw new UserError(
      `opsconsole: ${loaded.path}: the environments keep their incidents in different stores.\n  fix: pass --env NAME or set defaultEnvironment.`,
      2,
    );
  return [...urls][0];
}

/** The incident store a command or console uses: the JSONL journals, or the database `store:` names. */
export function openIncidentStore(
  stateDir: string,
  storeUrl: string | undefined,
  options: { lockWaitMs?: number; now?: () => number } = {},
): IncidentStore {
  if (!storeUrl)
    return new IncidentRepository(
      stateDir,
      undefined,
      options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      options.now,
    );
  const connection = connectionOptions(storeUrl);
  for (const w of connection.warnings) stderr.line(`opsconsole: ${w}`);
  return new PgIncidentStore(
    stateDir,
    connection,
    journalThreadScript(),
    undefined,
    options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    options.now,
  );
}

export function incidentStoreFor(loaded: LoadedConfig | undefined, envName?: string): IncidentStore {
  return openIncidentStore(stateDirFor(loaded), storeUrlOf(loaded, envName));
}
