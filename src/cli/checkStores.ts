import type { Config } from '../config/schema';
import { PgIncidentStore } from '../incident/postgres/pgIncidentStore';
import { SCHEMA_VERSION } from '../incident/postgres/schema';
import { UserError } from '../userError';
import { openIncidentStore } from './incidentStores';

/** Each database `store:`: reachable, and at the schema version this opsconsole writes. */
export function checkStores(
  config: Config,
  stateDir: string,
  attempt: (label: string, fn: () => void) => void,
): void {
  const seen = new Set<string>();
  for (const [envName, env] of Object.entries(config.environments)) {
    if (!env.store || seen.has(env.store)) continue;
    seen.add(env.store);
    attempt(`incident store of ${envName}`, () => {
      const store = openIncidentStore(stateDir, env.store);
      try {
        if (!(store instanceof PgIncidentStore)) return;
        const version = store.version();
        if (version !== SCHEMA_VERSION)
          throw new UserError(
            `opsconsole: ${envName}: ${store.where} is at schema version ${version}, this opsconsole needs ${SCHEMA_VERSION}.\n  fix: ${version < SCHEMA_VERSION ? '`opsconsole store init` as the database owner' : 'use the newer opsconsole that wrote it'}`,
          );
      } catch (err) {
        if (err instanceof UserError && !err.message.startsWith(`opsconsole: ${envName}:`))
          throw new UserError(`opsconsole: ${envName}: ${err.message.replace(/^opsconsole: /, '')}`);
        throw err;
      } finally {
        store.close();
      }
    });
  }
}
