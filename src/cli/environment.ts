import type { LoadedConfig } from '../config/load';
import type { Environment } from '../config/schema';
import { UserError } from '../userError';

/** The environment named by --env, else defaultEnvironment, else the only one. */
export function pickEnvironment(loaded: LoadedConfig, requested: string | undefined): [string, Environment] {
  const names = Object.keys(loaded.config.environments);
  const name = requested ?? loaded.config.defaultEnvironment ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    throw new UserError(
      `opsconsole: ${loaded.path} defines several environments (${names.join(', ')}).\n  fix: pass --env NAME or set defaultEnvironment.`,
    );
  }
  const env = loaded.config.environments[name];
  if (!env) {
    throw new UserError(
      `opsconsole: no environment "${name}" in ${loaded.path}; defined: ${names.join(', ')}`,
    );
  }
  return [name, env];
}
