import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../userError';
import { type Config, ConfigSchema } from './schema';
import { loadValidatedYaml } from './validatedYaml';

export interface LoadedConfig {
  path: string;
  config: Config;
}

function xdg(varName: string, fallback: string): string {
  const v = process.env[varName];
  return v?.startsWith('/') ? v : join(homedir(), fallback);
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

/** `~` and `~/…` in paths from the config, as a shell would read them. */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** The state directory: OPSCONSOLE_STATE_DIR, else the config's stateDir, else the XDG state dir. */
export function stateDirFor(loaded: LoadedConfig | undefined): string {
  const fromEnv = process.env.OPSCONSOLE_STATE_DIR;
  if (fromEnv) return resolve(fromEnv);
  const fromConfig = loaded?.config.stateDir;
  if (fromConfig && loaded) return resolve(dirname(loaded.path), expandHome(fromConfig));
  return join(xdg('XDG_STATE_HOME', '.local/state'), 'opsconsole');
}
