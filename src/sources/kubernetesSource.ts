import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type {
  ContainerState,
  ContainerStatus,
  EventSink,
  HealthState,
  SourceEvent,
} from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';

/** Where kubectl would read its kubeconfig: $KUBECONFIG (the first of its paths), else ~/.kube/config. */
export function kubeconfigPath(env = process.env): string {
  return env.KUBECONFIG?.split(':').find((p) => p !== '') ?? join(homedir(), '.kube', 'config');
}

interface PodLike {
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
function workloadOf(pod: PodLike): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.name);
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && owner.name)
    return hash ? owner.name.replace(new RegExp(`-${hash}$`), '') : owner.name;
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
  const tag = image?.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
  const started = pod.status?.startTime
    ? Date.parse(
        String(
          pod.status.startTime instanceof Date ? pod.status.startTime.toISOString() : pod.status.startTime,
        ),
      )
    : undefined;
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
    ...(started !== undefined && !Number.isNaN(started) && { startedAt: started }),
    ...(terminated?.exitCode !== undefined && { exitCode: terminated.exitCode }),
    ...(terminated?.reason === 'OOMKilled' && { oomKilled: true }),
    ...(why && { reason: sanitize(why) }),
    compose: { project: sanitize(ns), service: sanitize(workloadOf(pod)) },
  };
}

interface EventLike {
  metadata?: { uid?: string; namespace?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  count?: number;
  type?: string;
  lastTimestamp?: string | Date;
  eventTime?: string | Date;
}

const timeOf = (t: string | Date | undefined) =>
  t ? Date.parse(t instanceof Date ? t.toISOString() : t) : Number.NaN;

/** An event as the ingest takes it, its words sanitized (they come from anything that runs a pod). */
function clusterEvent(ev: EventLike): Extract<SourceEvent, { type: 'cluster-event' }> | undefined {
  if (!ev.reason) return undefined;
  const at = timeOf(ev.lastTimestamp) || timeOf(ev.eventTime) || Date.now();
  return {
    type: 'cluster-event',
    at: Number.isNaN(at) ? Date.now() : at,
    uid: sanitize(ev.metadata?.uid ?? ''),
    namespace: sanitize(ev.involvedObject?.namespace ?? ev.metadata?.namespace ?? 'default'),
    object: sanitize(`${ev.involvedObject?.kind ?? 'Object'}/${ev.involvedObject?.name ?? '?'}`),
    reason: sanitize(ev.reason),
    message: sanitize(ev.message ?? '').slice(0, 500),
    count: ev.count ?? 1,
    warning: ev.type === 'Warning',
  };
}

interface ReplicaSetLike {
  metadata?: {
    name?: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
}

/** How far back a rollout found in the first list still counts as a release (it may be the cause). */
const RECENT_ROLLOUT_MS = 30 * 60_000;
const tagOf = (image: string | undefined) =>
  image?.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : image;

/**
 * Each Deployment's ReplicaSets by revision (the `deployment.kubernetes.io/revision` annotation):
 * one of a higher revision than any seen is a rollout, reported as a release from the previous
 * revision's image to its own, with the change-cause when there is one.
 */
export class RolloutTracker {
  private readonly revisions = new Map<string, { revision: number; image?: string }[]>();

  constructor(private readonly cluster: string) {}

  seen(rs: ReplicaSetLike, now: number): Extract<SourceEvent, { type: 'release' }> | undefined {
    const owner = rs.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;
    const revision = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    if (!owner || !Number.isFinite(revision)) return undefined;
    const key = `${rs.metadata?.namespace}/${owner}`;
    const known = this.revisions.get(key) ?? [];
    const image = rs.spec?.template?.spec?.containers?.[0]?.image;
    const previous = known.filter((k) => k.revision < revision).sort((a, b) => b.revision - a.revision)[0];
    const newest = known.every((k) => k.revision < revision);
    this.revisions.set(key, [...known, { revision, ...(image && { image }) }]);
    const created = timeOf(rs.metadata?.creationTimestamp);
    if (!newest || !previous || previous.image === image) return undefined;
    if (Number.isNaN(created) || created < now - RECENT_ROLLOUT_MS) return undefined;
    const cause = rs.metadata?.annotations?.['kubernetes.io/change-cause'];
    const from = tagOf(previous.image);
    return {
      type: 'release',
      service: sanitize(owner),
      host: sanitize(this.cluster),
      ...(from && { from: sanitize(from) }),
      to: sanitize(tagOf(image) ?? `revision ${revision}`),
      at: created,
      reason: sanitize(`revision ${revision}${cause ? `: ${cause}` : ''}`),
    };
  }
}

export interface KubernetesTarget {
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  /** How long a watch may stay silent before it is re-listed (see `supervise`). */
  watchdogMs?: number;
}

/**
 * A healthy watch is closed by the server every few minutes and re-opened (a `connect`); one that
 * stays silent this long is the known failure of a watch that stops delivering without closing.
 */
const WATCHDOG_MS = 15 * 60_000;

/**
 * Keeps an informer going: started again 2 s after an error (as kubectl's reflector does), and
 * stopped and re-listed when it has been silent for `silentMs`. Returns how to stop it for good.
 */
function supervise<T extends KubernetesObject>(
  informer: Informer<T>,
  stopped: () => boolean,
  silentMs: number,
  onError?: (err: unknown) => void,
): () => void {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, touch);
  informer.on('connect', touch);
  const restart = () => {
    if (stopped()) return;
    last = Date.now();
    void informer.start().catch(() => {});
  };
  informer.on('error', (err: unknown) => {
    onError?.(err);
    setTimeout(restart, 2000);
  });
  const watchdog = setInterval(
    () => {
      if (Date.now() - last < silentMs) return;
      void Promise.resolve(informer.stop()).then(restart);
    },
    Math.min(silentMs, 60_000),
  );
  watchdog.unref();
  return () => {
    clearInterval(watchdog);
    void informer.stop();
  };
}

/**
 * Pods of a cluster, watched (list, then watch from its resourceVersion; the client's informer
 * re-lists on 410 Gone and reconnects): each pod a row, grouped by namespace, named by workload.
 * Loaded on first use: a console without Kubernetes never loads the client.
 */
export function kubernetesSource(target: KubernetesTarget, sink: EventSink): { start(): void; stop(): void } {
  let stopped = false;
  const isStopped = () => stopped;
  const silentMs = target.watchdogMs ?? WATCHDOG_MS;
  const stops: (() => void)[] = [];
  const start = async () => {
    // The client's dependencies use APIs Node deprecates (punycode, url.parse); the warnings would
    // land on the console's screen and say nothing an operator can act on.
    process.noDeprecation = true;
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(target.kubeconfig ?? kubeconfigPath());
    if (target.context) kc.setCurrentContext(target.context);
    const cluster = kc.getCurrentContext() || 'kubernetes';
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const id = `kubernetes ${cluster}`;
    const namespaces = target.namespaces?.length ? target.namespaces : [undefined];
    for (const ns of namespaces) {
      const informer = ns
        ? k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () =>
            core.listNamespacedPod({ namespace: ns }),
          )
        : k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
      const show = (pod: PodLike) => sink({ type: 'container', status: podStatus(pod, cluster) });
      informer.on('add', show);
      informer.on('update', show);
      informer.on('delete', (pod: PodLike) =>
        sink({ type: 'container-removed', id: podStatus(pod, cluster).id }),
      );
      informer.on('connect', () => sink({ type: 'source', id, state: 'connected', at: Date.now() }));
      stops.push(
        supervise(informer, isStopped, silentMs, (err) =>
          sink({
            type: 'source',
            id,
            state: 'reconnecting',
            at: Date.now(),
            reason: sanitize(String((err as Error)?.message ?? err)),
          }),
        ),
      );
      // Events, caught while they live (the API forgets them after about an hour).
      const events = ns
        ? k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/events`, () =>
            core.listNamespacedEvent({ namespace: ns }),
          )
        : k8s.makeInformer(kc, '/api/v1/events', () => core.listEventForAllNamespaces());
      const onEvent = (ev: EventLike) => {
        const e = clusterEvent(ev);
        if (e) sink(e);
      };
      events.on('add', onEvent);
      events.on('update', onEvent);
      stops.push(supervise(events, isStopped, silentMs));
      // Rollouts: a Deployment's ReplicaSet of a higher revision is a release, with its image change.
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const replicaSets = ns
        ? k8s.makeInformer(kc, `/apis/apps/v1/namespaces/${ns}/replicasets`, () =>
            apps.listNamespacedReplicaSet({ namespace: ns }),
          )
        : k8s.makeInformer(kc, '/apis/apps/v1/replicasets', () => apps.listReplicaSetForAllNamespaces());
      const rollouts = new RolloutTracker(cluster);
      replicaSets.on('add', (rs: ReplicaSetLike) => {
        const release = rollouts.seen(rs, Date.now());
        if (release) sink(release);
      });
      stops.push(supervise(replicaSets, isStopped, silentMs));
      if (stopped) return;
      await Promise.all([informer.start(), events.start(), replicaSets.start()]);
    }
  };
  return {
    start() {
      start().catch((err: Error) =>
        sink({
          type: 'source',
          id: 'kubernetes',
          state: 'failed',
          at: Date.now(),
          reason: sanitize(err.message),
        }),
      );
    },
    stop() {
      stopped = true;
      for (const s of stops) s();
    },
  };
}
