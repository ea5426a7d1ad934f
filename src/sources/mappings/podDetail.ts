import type { DetailCondition, PodContainerDetail, PodDetail } from '../../model/podDetail';
import { sanitize } from '../../text/sanitize';
import type { EventLike } from './clusterEvent';
import { detailEvents } from './detailEvents';
import { timeOf } from './kubernetesTime';

type Quantities = Record<string, string>;
interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string | Date };
  terminated?: { exitCode?: number; reason?: string; startedAt?: string | Date; finishedAt?: string | Date };
}

/** A condition as pods and workloads write them alike. */
export interface ConditionLike {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

/** A Pod as `GET /api/v1/namespaces/NS/pods/NAME` answers: the fields the describe view reads. */
export interface PodDetailLike {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: {
    nodeName?: string;
    containers?: {
      name?: string;
      image?: string;
      resources?: { limits?: Quantities; requests?: Quantities };
    }[];
  };
  status?: {
    phase?: string;
    startTime?: string | Date;
    conditions?: ConditionLike[];
    containerStatuses?: {
      name?: string;
      image?: string;
      imageID?: string;
      ready?: boolean;
      restartCount?: number;
      state?: ContainerState;
      lastState?: ContainerState;
    }[];
  };
}

const optionalTime = (t: string | Date | undefined) => {
  const at = timeOf(t);
  return Number.isNaN(at) ? undefined : at;
};

const pairs = (o: Record<string, string> | undefined): [string, string][] =>
  Object.entries(o ?? {}).map(([k, v]) => [sanitize(k), sanitize(String(v))]);

/** Conditions as the API lists them; True is ok (every pod and workload condition the console reads). */
export function detailConditions(conditions: readonly ConditionLike[]): DetailCondition[] {
  return conditions.map((c) => {
    const at = optionalTime(c.lastTransitionTime);
    return {
      type: sanitize(c.type ?? '?'),
      ok: c.status === 'True',
      ...(c.reason && { reason: sanitize(c.reason) }),
      ...(c.message && { message: sanitize(c.message).slice(0, 300) }),
      ...(at !== undefined && { at }),
    };
  });
}

function containerDetail(
  spec: NonNullable<NonNullable<PodDetailLike['spec']>['containers']>[number],
  status: NonNullable<NonNullable<PodDetailLike['status']>['containerStatuses']>[number] | undefined,
): PodContainerDetail {
  const st = status?.state ?? {};
  const state = st.running ? 'running' : st.terminated ? 'terminated' : st.waiting ? 'waiting' : 'unknown';
  const reason = st.waiting?.reason ?? st.terminated?.reason;
  const since = optionalTime(st.running?.startedAt ?? st.terminated?.finishedAt);
  const last = status?.lastState?.terminated;
  const lastAt = optionalTime(last?.finishedAt);
  return {
    name: sanitize(spec.name ?? status?.name ?? '?'),
    image: sanitize(spec.image ?? status?.image ?? '?'),
    ...(status?.imageID && { imageId: sanitize(status.imageID) }),
    ready: status?.ready === true,
    restarts: status?.restartCount ?? 0,
    state,
    ...(reason && { reason: sanitize(reason) }),
    ...(st.terminated?.exitCode !== undefined && { exitCode: st.terminated.exitCode }),
    ...(since !== undefined && { since }),
    ...(last && {
      last: {
        ...(last.reason && { reason: sanitize(last.reason) }),
        ...(last.exitCode !== undefined && { exitCode: last.exitCode }),
        ...(lastAt !== undefined && { finishedAt: lastAt }),
      },
    }),
    limits: pairs(spec.resources?.limits),
    requests: pairs(spec.resources?.requests),
  };
}

/** A pod and the events about it, as the describe view shows them; every text sanitized. */
export function podDetail(cluster: string, pod: PodDetailLike, events: readonly EventLike[]): PodDetail {
  const statuses = pod.status?.containerStatuses ?? [];
  const owner = pod.metadata?.ownerReferences?.find((o) => o.name);
  const startedAt = optionalTime(pod.status?.startTime);
  return {
    cluster: sanitize(cluster),
    namespace: sanitize(pod.metadata?.namespace ?? 'default'),
    name: sanitize(pod.metadata?.name ?? '?'),
    ...(owner && { owner: sanitize(`${owner.kind ?? 'Object'}/${owner.name}`) }),
    ...(pod.spec?.nodeName && { node: sanitize(pod.spec.nodeName) }),
    phase: sanitize(pod.status?.phase ?? 'Unknown'),
    ...(startedAt !== undefined && { startedAt }),
    conditions: detailConditions(pod.status?.conditions ?? []),
    containers: (pod.spec?.containers ?? []).map((c) =>
      containerDetail(
        c,
        statuses.find((s) => s.name === c.name),
      ),
    ),
    labels: pairs(pod.metadata?.labels),
    events: detailEvents(events),
  };
}
