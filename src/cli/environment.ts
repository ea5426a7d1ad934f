import type { LoadedConfig } from '../config/load';
import { DEFAULT_MAX_LOG_STREAMS, type Environment } from '../config/schema';
import { UserError } from '../userError';
import type { OptionSpec, ParsedCommand } from './commands';
import { configOrDiscovery } from './configOrDiscovery';

/** The flags that choose what is watched: shared by the console, `status` and `serve`. */
export const WATCH_OPTIONS: OptionSpec = {
  env: { type: 'string' },
  docker: { type: 'string' },
  prometheus: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string' },
};

/**
 * The environment those flags choose: from the configuration (or, without one, what discovery
 * finds), picked by --env, its cluster narrowed by --context and --namespace.
 */
export async function watchedEnvironment(
  values: ParsedCommand['values'],
  config: string | undefined,
): Promise<{ loaded: LoadedConfig; name: string; env: Environment }> {
  const loaded = await configOrDiscovery(config, {
    ...(typeof values.docker === 'string' && { docker: values.docker }),
    ...(typeof values.prometheus === 'string' && { prometheus: values.prometheus }),
  });
  const [name, picked] = pickEnvironment(loaded, values.env as string | undefined);
  return { loaded, name, env: withKubernetesFlags(picked, values) };
}

/**
 * `--context` and `--namespace`, as kubectl takes them: the environment's cluster (or, without one,
 * the kubeconfig's) watched in that context and namespace.
 */
export function withKubernetesFlags(env: Environment, values: Record<string, unknown>): Environment {
  const context = typeof values.context === 'string' ? values.context : undefined;
  const namespace = typeof values.namespace === 'string' ? values.namespace : undefined;
  if (!context && !namespace) return env;
  return {
    ...env,
    kubernetes: {
      logs: true,
      maxLogStreams: DEFAULT_MAX_LOG_STREAMS,
      ...env.kubernetes,
      ...(context && { context }),
      ...(namespace && { namespaces: [namespace] }),
    },
  };
}

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
