import { DEFAULT_LOG_STORE_BUDGET, type Environment, parseByteSize } from '../config/schema';
import { storePath } from '../logstore/storeFile';
import { UserError } from '../userError';
import type { OptionSpec, ParsedCommand } from './commands';

/** The flag that overrides an environment's log store budget (`off` keeps no store). */
export const STORE_OPTIONS: OptionSpec = { 'store-budget': { type: 'string' } };

export const STORE_OPTION_DOCS = [
  "  --store-budget SIZE  disk kept for the log store (default 2GiB, or the environment's",
  '                  logStore.budget); "off" keeps no store',
];

/** Where and within what budget the console keeps every line it sees; undefined for none. */
export function logStoreSettings(
  values: ParsedCommand['values'],
  env: Partial<Pick<Environment, 'logStore'>>,
  stateDir: string,
  environment: string,
): { path: string; budgetBytes: number } | undefined {
  const flag = values['store-budget'];
  const configured = env.logStore ?? { enabled: true, budget: DEFAULT_LOG_STORE_BUDGET };
  if (flag === 'off') return undefined;
  if (typeof flag === 'string') {
    const bytes = parseByteSize(flag);
    if (!Number.isFinite(bytes) || bytes < 1024 ** 2)
      throw new UserError(
        `opsconsole: --store-budget: expected a size of at least 1MiB such as 500MiB or 2GiB, or "off"; got "${flag}"`,
      );
    return { path: storePath(stateDir, environment), budgetBytes: bytes };
  }
  if (!configured.enabled) return undefined;
  return { path: storePath(stateDir, environment), budgetBytes: configured.budget };
}
