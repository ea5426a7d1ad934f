import type { LoadedConfig } from '../config/load';
import { DEFAULT_MAX_LOG_STREAMS, type Environment } from '../config/schema';
import { UserError } from '../userError';

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
