import { findConfig, loadConfigFile } from '../config/load';
import { stateDirFor } from '../config/paths';
import type { PgIncidentStore } from '../incident/postgres/pgIncidentStore';
import { SCHEMA_VERSION } from '../incident/postgres/schema';
import { UserError } from '../userError';
import type { Command } from './commands';
import { openIncidentStore, storeUrlOf } from './incidentStores';
import { stdout } from './output';

const USAGE = [
  'opsconsole store init [--grant ROLE] [--env NAME]   (creates or migrates the incident tables)',
  '       opsconsole store status [--env NAME]             (reachable, and at the right version?)',
].join('\n');

/** The environment's database store, or a usage error saying how to name one. */
export function databaseStore(configFlag: string | undefined, envFlag: unknown): PgIncidentStore {
  const path = findConfig(configFlag);
  const loaded = path ? loadConfigFile(path) : undefined;
  const url = storeUrlOf(loaded, typeof envFlag === 'string' ? envFlag : undefined);
  if (!url)
    throw new UserError(
      `opsconsole: the environment keeps its incidents in the state directory's journals, not a database.\n  fix: add \`store: postgres://USER@HOST:5432/DB\` to the environment in ${loaded?.path ?? 'a config file'}`,
      2,
    );
  return openIncidentStore(stateDirFor(loaded), url) as PgIncidentStore;
}

export const storeCommand: Command = {
  name: 'store',
  summary: 'Create or check the PostgreSQL tables that keep incidents (store: postgres://…).',
  usage: USAGE,
  details: [
    'init runs as the database owner: it creates the journal table (append-only: a trigger refuses',
    'updates and deletes), applies migrations in order, and with --grant gives ROLE select and',
    'insert, all a console needs. Run it again after an upgrade; it is idempotent.',
  ],
  options: { grant: { type: 'string' }, env: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    const [sub, ...extra] = positionals;
    if ((sub !== 'init' && sub !== 'status') || extra.length > 0)
      throw new UserError(`opsconsole: usage: ${USAGE}`, 2);
    const grant = typeof values.grant === 'string' ? values.grant : undefined;
    if (grant !== undefined && !/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(grant))
      throw new UserError(`opsconsole: --grant: expected a role name such as opsconsole_console`, 2);
    const store = databaseStore(globals.config, values.env);
    try {
      if (sub === 'init') {
        const { applied } = store.init(grant);
        stdout.line(
          `${store.where}: schema at version ${SCHEMA_VERSION}${applied.length > 0 ? ` (applied ${applied.join(', ')})` : ' (already)'}${grant ? `; ${grant} may select and insert` : ''}`,
        );
        return 0;
      }
      const version = store.version();
      stdout.line(
        version === SCHEMA_VERSION
          ? `${store.where}: reachable, schema version ${version}`
          : `${store.where}: reachable, schema version ${version}, this opsconsole needs ${SCHEMA_VERSION}\n  fix: opsconsole store init`,
      );
      return version === SCHEMA_VERSION ? 0 : 1;
    } finally {
      store.close();
    }
  },
};
