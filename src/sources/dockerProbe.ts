import type { ContainerStatus } from '../model/sourceEvents';
import { containerFromInspect, type InspectResult } from './dockerInspect';
import { DockerLogDecoder } from './dockerLogSource';
import { type DockerDialer, dockerClient } from './dockerSource';

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

/** What a Docker engine runs now: one status per container (for `opsconsole init`). */
export async function listContainers(socketPath: string, host = 'local'): Promise<ContainerStatus[]> {
  const client = dockerClient({ socketPath });
  const json = async (path: string) => {
    const res = await client.request({ method: 'GET', path, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`Docker API answered ${res.statusCode} to ${path}`);
    return JSON.parse(body) as unknown;
  };
  try {
    const list = (await json('/containers/json?all=1')) as { Id: string }[];
    const out: ContainerStatus[] = [];
    for (const c of list)
      out.push(containerFromInspect(host, (await json(`/containers/${c.Id}/json`)) as InspectResult));
    return out;
  } finally {
    void client.destroy().catch(() => {});
  }
}

/** The last `tail` lines a container has logged (for `opsconsole logs` without --follow). */
export async function containerLogTail(
  dialer: DockerDialer,
  container: string,
  tail: number,
): Promise<string[]> {
  const client = dockerClient(dialer);
  try {
    const res = await client.request({
      method: 'GET',
      path: `/containers/${encodeURIComponent(container)}/logs?stdout=1&stderr=1&tail=${tail}`,
      headersTimeout: 10_000,
      bodyTimeout: 30_000,
    });
    if (res.statusCode !== 200)
      throw new Error(`Docker API answered ${res.statusCode} for the logs of ${container}`);
    const decoder = new DockerLogDecoder();
    const lines: string[] = [];
    for await (const chunk of res.body) lines.push(...decoder.push(chunk as Buffer));
    return [...lines, ...decoder.end()];
  } finally {
    void client.destroy().catch(() => {});
  }
}
