import { dockerClient } from './dockerSource';

/** The local Docker socket: DOCKER_HOST when it names a unix socket, else the usual path. */
export function localDockerSocket(env = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** Whether a Docker engine answers on `socketPath` (its /_ping), and why not when it does not. */
export async function probeDocker(
  socketPath: string,
  timeoutMs = 1500,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = dockerClient({ socketPath });
  try {
    const res = await client.request({
      method: 'GET',
      path: '/_ping',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.text();
    return res.statusCode === 200
      ? { ok: true }
      : { ok: false, reason: `it answered HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, reason: e.code === 'ENOENT' ? 'no socket there' : (e.code ?? e.message) };
  } finally {
    void client.destroy().catch(() => {});
  }
}
