import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../userError';
import { xdg } from './paths';
import { type Config, ConfigSchema } from './schema';
import { loadValidatedYaml } from './validatedYaml';

export interface LoadedConfig {
  path: string;
  config: Config;
}

/** Where a config is looked for when no --config is given, in order. */
export function configCandidates(cwd = process.cwd()): string[] {
  return [join(cwd, 'opsconsole.yaml'), join(xdg('XDG_CONFIG_HOME', '.config'), 'opsconsole', 'config.yaml')];
}

export function findConfig(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  return configCandidates(cwd).find((p) => existsSync(p));
}

export function loadConfigFile(path: string): LoadedConfig {
  return { path, config: loadValidatedYaml(path, ConfigSchema, 'config') };
}

/** Loads the config the user pointed at or the first one found; a missing one is a usage error. */
export function loadConfig(explicit: string | undefined, cwd = process.cwd()): LoadedConfig {
  const path = findConfig(explicit, cwd);
  if (!path) {
    throw new UserError(
      [
        'opsconsole: no configuration found.',
        `  looked in: ${configCandidates(cwd).join(', ')}`,
        '  fix: pass --config PATH, create one of those files (see README "Configuration"),',
        '       or try `opsconsole demo`, which needs no configuration.',
      ].join('\n'),
    );
  }
  return loadConfigFile(path);
}
