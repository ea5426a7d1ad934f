import type { ContainerState, ContainerStatus, HealthState } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { imageVersion } from './mappings/imageReference';

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

/** `kubectl get pods -o json`: one row per pod; restarts summed over its containers. */
export const kubectlPods: StatusMapping = (json, host) =>
  ((obj(json).items as unknown[]) ?? []).map((item) => {
    const pod = obj(item);
    const meta = obj(pod.metadata);
    const st = obj(pod.status);
    const containers = ((st.containerStatuses as unknown[]) ?? []).map(obj);
    const phase = str(st.phase) ?? 'Unknown';
    const waiting = containers.map((c) => str(obj(obj(c.state).waiting).reason)).find(Boolean);
    const terminated = containers
      .map((c) => obj(obj(c.lastState).terminated))
      .find((t) => t.exitCode !== undefined);
    const ready = containers.length > 0 && containers.every((c) => c.ready === true);
    const state: ContainerState =
      waiting === 'CrashLoopBackOff'
        ? 'restarting'
        : phase === 'Running'
          ? 'running'
          : phase === 'Pending'
            ? 'starting'
            : phase === 'Failed' || phase === 'Succeeded'
              ? 'exited'
              : 'unknown';
    const image = str(obj(((obj(pod.spec).containers as unknown[]) ?? [])[0]).image);
    const started = str(st.startTime);
    const workload = workloadOf(meta);
    return status(host, str(meta.name) ?? '?', {
      state,
      health: (phase === 'Running' ? (ready ? 'healthy' : 'unhealthy') : 'none') as HealthState,
      restarts: containers.reduce((n, c) => n + (num(c.restartCount) ?? 0), 0),
      ...(image && { image, version: imageVersion(image) ?? 'unknown' }),
      ...(started && { startedAt: Date.parse(started) }),
      ...(num(terminated?.exitCode) !== undefined && { exitCode: num(terminated?.exitCode) }),
      ...(workload && { compose: { project: str(meta.namespace) ?? 'default', service: workload } }),
    });
  });

/**
 * The workload a pod belongs to, so its pods are one service (and a rollout to new pods with a new
 * image is a release): the app labels, else its owner's name without the ReplicaSet's hash.
 */
function workloadOf(meta: Record<string, unknown>): string | undefined {
  const labels = obj(meta.labels);
  const fromLabel = str(labels['app.kubernetes.io/name']) ?? str(labels.app);
  if (fromLabel) return fromLabel;
  const owner = obj(((meta.ownerReferences as unknown[]) ?? [])[0]);
  const name = str(owner.name);
  if (!name) return undefined;
  return owner.kind === 'ReplicaSet' ? name.replace(/-[a-z0-9]{5,10}$/, '') : name;
}

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
    const version = str(env.version);
    const uptime = num(env.pm_uptime);
    const name = str(proc.name) ?? '?';
    const cwd = str(env.pm_cwd);
    return status(host, name, {
      // pm2 runs it: the rollback checks out the previous release in its directory and reloads it.
      deployedBy: { kind: 'pm2', evidence: `pm2 runs ${name}`, params: { ...(cwd && { appDir: cwd }) } },
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
    return status(host, str(unit.unit) ?? '?', { state, health: 'none', restarts: 0 });
  });

export const STATUS_MAPPINGS = {
  'kubectl-pods': kubectlPods,
  pm2: pm2List,
  'systemd-units': systemdUnits,
} as const;
export type StatusMappingName = keyof typeof STATUS_MAPPINGS;
