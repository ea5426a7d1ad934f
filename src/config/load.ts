import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { xdg } from './paths';
import { type Config, ConfigSchema } from './schema';
import { loadValidatedYaml, validateYamlText } from './validatedYaml';

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

/** A configuration already read (by `check`, which reads each file once to tell what it is). */
export function configFromText(path: string, text: string): LoadedConfig {
  return { path, config: validateYamlText(path, text, ConfigSchema, 'config') };
}
