import type { ContainerState, ContainerStatus, HealthState } from '../../model/sourceEvents';
import { sanitize } from '../../text/sanitize';
import { imageVersion } from './imageReference';
import { timeOf } from './kubernetesTime';

/** A Pod as the API server (and `kubectl get pods -o json`) writes it: the fields the console reads. */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: { containers?: { name?: string; image?: string }[] };
  status?: {
    phase?: string;
    startTime?: string | Date;
    conditions?: { type?: string; status?: string; reason?: string }[];
    containerStatuses?: {
      ready?: boolean;
      restartCount?: number;
      image?: string;
      state?: {
        waiting?: { reason?: string };
        running?: unknown;
        terminated?: { exitCode?: number; reason?: string };
      };
      lastState?: { terminated?: { exitCode?: number; reason?: string } };
    }[];
  };
}

/** The workload a pod belongs to: its ReplicaSet's Deployment (the name without the template hash), else its owner, else itself. */
export function workloadOf(pod: PodLike): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.name);
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  // The hash is the server's text: compared as text, never compiled as a pattern.
  if (owner?.kind === 'ReplicaSet' && owner.name)
    return hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name;
  return owner?.name ?? pod.metadata?.name ?? 'pod';
}

/** A pod as the status pane shows it, in the namespace's group, under its workload's name. */
export function podStatus(pod: PodLike, cluster: string): ContainerStatus {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? 'pod';
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  // A pending pod says why in its PodScheduled condition (Unschedulable); a waiting container in its state.
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  )?.reason;
  const why = waiting ?? (pod.status?.phase === 'Pending' ? unscheduled : undefined);
  const terminated = statuses.find((c) => c.lastState?.terminated)?.lastState?.terminated;
  const phase = pod.status?.phase;
  const state: ContainerState =
    waiting === 'CrashLoopBackOff'
      ? 'restarting'
      : phase === 'Pending'
        ? 'starting'
        : phase === 'Succeeded' || phase === 'Failed'
          ? 'exited'
          : phase === 'Running'
            ? 'running'
            : 'unknown';
  const ready = statuses.length > 0 && statuses.every((c) => c.ready);
  const health: HealthState =
    state === 'running' && ready
      ? 'healthy'
      : state === 'starting'
        ? 'starting'
        : statuses.length > 0
          ? 'unhealthy'
          : 'none';
  const image = pod.spec?.containers?.[0]?.image ?? statuses[0]?.image;
  const tag = image ? imageVersion(image) : undefined;
  const started = timeOf(pod.status?.startTime);
  return {
    id: `${cluster}/${ns}/${name}`,
    name: sanitize(name),
    host: sanitize(cluster),
    kind: 'kubernetes',
    state,
    health,
    ...(tag && { version: sanitize(tag) }),
    ...(image && { image: sanitize(image) }),
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    ...(!Number.isNaN(started) && { startedAt: started }),
    ...(terminated?.exitCode !== undefined && { exitCode: terminated.exitCode }),
    ...(terminated?.reason === 'OOMKilled' && { oomKilled: true }),
    ...(why && { reason: sanitize(why) }),
    compose: { project: sanitize(ns), service: sanitize(workloadOf(pod)) },
  };
}
