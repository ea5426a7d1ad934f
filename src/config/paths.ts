import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** An XDG base directory: the variable when it holds an absolute path, else `~/fallback`. */
export function xdg(varName: string, fallback: string): string {
  const v = process.env[varName];
  return v?.startsWith('/') ? v : join(homedir(), fallback);
}

/** `~` and `~/…` in paths from the config, as a shell would read them. */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** The state directory: OPSCONSOLE_STATE_DIR, else the config's stateDir, else the XDG state dir. */
export function stateDirFor(
  loaded: { path: string; config: { stateDir?: string | undefined } } | undefined,
): string {
  const fromEnv = process.env.OPSCONSOLE_STATE_DIR;
  if (fromEnv) return resolve(fromEnv);
  const fromConfig = loaded?.config.stateDir;
  if (fromConfig && loaded) return resolve(dirname(loaded.path), expandHome(fromConfig));
  return join(xdg('XDG_STATE_HOME', '.local/state'), 'opsconsole');
}
