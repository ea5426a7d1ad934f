import { UserError } from '../userError';

/** Authorization for an HTTP API (Prometheus, Alertmanager) from the environment variables the config names. */
export function authHeaders(
  auth: { bearerTokenEnv: string } | { username: string; passwordEnv: string } | undefined,
  what = 'Prometheus',
  env = process.env,
): Record<string, string> {
  if (!auth) return {};
  if ('bearerTokenEnv' in auth) {
    const token = env[auth.bearerTokenEnv];
    if (!token)
      throw new UserError(
        `opsconsole: environment variable ${auth.bearerTokenEnv} (the ${what} bearer token) is not set`,
      );
    return { authorization: `Bearer ${token}` };
  }
  const password = env[auth.passwordEnv];
  if (password === undefined)
    throw new UserError(
      `opsconsole: environment variable ${auth.passwordEnv} (the ${what} password) is not set`,
    );
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}` };
}
