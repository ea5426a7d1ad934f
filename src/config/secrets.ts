import type { Config } from './schema';

/** The literal values of secrets the config points at (env vars named by *Env fields). */
export function configSecrets(config: Config | undefined, env = process.env): string[] {
  if (!config) return [];
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.endsWith('Env') && typeof x === 'string') names.add(x);
        else walk(x);
      }
    }
  };
  walk(config);
  return [...names].map((n) => env[n]).filter((s): s is string => typeof s === 'string' && s !== '');
}
