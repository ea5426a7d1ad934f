import type { ContainerState, ContainerStatus } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { type PodLike, podStatus } from './mappings/pod';

/** Turns a command's JSON output into containers; one per supported tool. */
export type StatusMapping = (json: unknown, host: string) => ContainerStatus[];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown) => (typeof v === 'string' ? sanitize(v) : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function status(
  host: string,
  name: string,
  fields: Omit<ContainerStatus, 'id' | 'name' | 'host' | 'kind'>,
): ContainerStatus {
  return { id: `${host}/${name}`, name, host, kind: 'command', ...fields };
}

/**
 * `kubectl get pods -o json`: one row per pod, mapped as the Kubernetes source maps a watched pod
 * (kubectl prints the same Pod objects), but a command's row: polled, not grouped under a workload.
 */
export const kubectlPods: StatusMapping = (json, host) =>
  ((Array.isArray(obj(json).items) ? obj(json).items : []) as unknown[])
    .filter((item) => item !== null && typeof item === 'object')
    .map((pod) => ({ ...podStatus(pod as PodLike, host), kind: 'command' }));

/** `pm2 jlist`: one row per process, with pm2's own CPU and memory. */
export const pm2List: StatusMapping = (json, host) =>
  (Array.isArray(json) ? json : []).map((p) => {
    const proc = obj(p);
    const env = obj(proc.pm2_env);
    const monit = obj(proc.monit);
    const s = str(env.status) ?? 'unknown';
    const state: ContainerState =
      s === 'online'
        ? 'running'
        : s === 'launching'
          ? 'starting'
          : s === 'errored'
            ? 'exited'
            : s === 'stopped'
              ? 'stopped'
              : 'unknown';
    // pm2 says N/A for an app without a package.json: no version, not a version named "N/A".
    const version = str(env.version) === 'N/A' ? undefined : str(env.version);
    const uptime = num(env.pm_uptime);
    const name = str(proc.name) ?? '?';
    const cwd = str(env.pm_cwd);
    return status(host, name, {
      // pm2 runs it: the rollback checks out the previous release in its directory and reloads it.
      deployedBy: { kind: 'pm2', evidence: `pm2 runs ${name}`, params: { ...(cwd && { appDir: cwd }) } },
      managedBy: 'pm2',
      state,
      health: 'none',
      restarts: num(env.restart_time) ?? 0,
      ...(version && { version }),
      ...(state === 'running' && uptime !== undefined && { startedAt: uptime }),
      ...(num(env.exit_code) !== undefined && state !== 'running' && { exitCode: num(env.exit_code) }),
      ...(num(monit.cpu) !== undefined && { cpuPercent: num(monit.cpu) }),
      ...(num(monit.memory) !== undefined && { memoryBytes: num(monit.memory) }),
    });
  });

/** `systemctl list-units --output=json` (systemd 247 and later): one row per unit. */
export const systemdUnits: StatusMapping = (json, host) =>
  (Array.isArray(json) ? json : []).map((u) => {
    const unit = obj(u);
    const active = str(unit.active) ?? 'unknown';
    const sub = str(unit.sub) ?? '';
    const state: ContainerState =
      active === 'active'
        ? 'running'
        : active === 'activating'
          ? sub === 'auto-restart'
            ? 'restarting'
            : 'starting'
          : active === 'failed'
            ? 'exited'
            : active === 'inactive'
              ? 'stopped'
              : 'unknown';
    return status(host, str(unit.unit) ?? '?', { state, health: 'none', restarts: 0, managedBy: 'systemd' });
  });

export const STATUS_MAPPINGS = {
  'kubectl-pods': kubectlPods,
  pm2: pm2List,
  'systemd-units': systemdUnits,
} as const;
export type StatusMappingName = keyof typeof STATUS_MAPPINGS;
