import type { ContainerDetail, HealthRun } from '../../model/containerDetail';
import { sanitize } from '../../text/sanitize';

/** The parts of `GET /containers/{id}/json` the describe view reads. */
export interface InspectDetail {
  Name: string;
  Image?: string;
  RestartCount?: number;
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
  };
  State?: {
    Status?: string;
    ExitCode?: number;
    Error?: string;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: {
      Status?: string;
      FailingStreak?: number;
      Log?: { Start?: string; ExitCode?: number; Output?: string }[] | null;
    } | null;
  };
  HostConfig?: {
    Memory?: number;
    NanoCpus?: number;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
  };
  Mounts?: { Type?: string; Source?: string; Destination?: string; RW?: boolean }[] | null;
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

/** A time the engine gives, or undefined for its zero time (`0001-01-01…`, never happened). */
function when(text: string | undefined): number | undefined {
  const t = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** `CMD-SHELL cmd` runs `sh -c cmd`; `CMD a b` runs a b; `NONE` is none. */
function healthCommand(test: string[] | undefined): string {
  const [kind, ...rest] = test ?? [];
  if (kind === 'CMD-SHELL') return rest.join(' ');
  if (kind === 'CMD') return rest.join(' ');
  return '';
}

/** An inspect document as the container's describe view. */
export function containerDetailFromInspect(host: string, c: InspectDetail): ContainerDetail {
  const s = c.State ?? {};
  const health = s.Health;
  const runs: HealthRun[] = (health?.Log ?? []).map((r) => ({
    at: when(r.Start) ?? 0,
    exitCode: r.ExitCode ?? -1,
    // A check's output is the container's text: one line, sanitized, cut.
    output: sanitize((r.Output ?? '').trim().replace(/\s*\n\s*/g, ' ⏎ ')).slice(0, 300),
  }));
  const policy = c.HostConfig?.RestartPolicy;
  const ports = Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([port, bindings]) =>
    (bindings ?? []).length === 0
      ? [sanitize(port)]
      : (bindings ?? []).map((b) => sanitize(`${b.HostIp || '0.0.0.0'}:${b.HostPort} → ${port}`)),
  );
  return {
    name: sanitize(c.Name.replace(/^\//, '')),
    host,
    image: sanitize(c.Config?.Image ?? ''),
    ...(c.Image && { imageId: sanitize(c.Image) }),
    state: sanitize(s.Status ?? 'unknown'),
    ...(s.Status !== 'running' && s.ExitCode !== undefined && { exitCode: s.ExitCode }),
    ...(s.Error && { error: sanitize(s.Error).slice(0, 300) }),
    oomKilled: s.OOMKilled === true,
    ...(when(s.StartedAt) !== undefined && { startedAt: when(s.StartedAt) }),
    ...(when(s.FinishedAt) !== undefined && { finishedAt: when(s.FinishedAt) }),
    restarts: c.RestartCount ?? 0,
    ...(policy?.Name &&
      policy.Name !== 'no' && {
        restartPolicy: sanitize(
          policy.MaximumRetryCount ? `${policy.Name}:${policy.MaximumRetryCount}` : policy.Name,
        ),
      }),
    ...(health && {
      health: {
        status: sanitize(health.Status ?? 'unknown'),
        failingStreak: health.FailingStreak ?? 0,
        command: sanitize(healthCommand(c.Config?.Healthcheck?.Test)),
        runs,
      },
    }),
    labels: Object.entries(c.Config?.Labels ?? {})
      .map(([k, v]): [string, string] => [sanitize(k), sanitize(String(v))])
      .sort(([a], [b]) => a.localeCompare(b)),
    ports,
    mounts: (c.Mounts ?? []).map((m) =>
      sanitize(`${m.Source ?? '?'} → ${m.Destination ?? '?'}${m.RW === false ? ' (read-only)' : ''}`),
    ),
    limits: {
      ...(c.HostConfig?.Memory ? { memoryBytes: c.HostConfig.Memory } : {}),
      ...(c.HostConfig?.NanoCpus ? { cpus: c.HostConfig.NanoCpus / 1e9 } : {}),
    },
  };
}
