import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type {
  ContainerState,
  ContainerStatus,
  EventSink,
  HealthState,
  SourceEvent,
  WorkloadStatus,
} from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import {
  boundedWatch,
  KubernetesAnswerError,
  listObjects,
  loadKubeConfig,
  revisionNumber,
} from './kubernetesApi';
import { KubernetesLogFollower, podLogOpener } from './kubernetesLogs';
import { imageVersion } from './mappings/imageReference';

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
const tagOf = (image: string | undefined) => (image ? (imageVersion(image) ?? image) : image);

/**
 * Each Deployment's ReplicaSets by revision (the `deployment.kubernetes.io/revision` annotation):
 * one of a higher revision than any seen is a rollout, reported as a release from the previous
 * revision's image to its own, with the change-cause when there is one.
 */
export class RolloutTracker {
  /** Per Deployment, its ReplicaSets by name: their revision and image. */
  private readonly revisions = new Map<string, Map<string, { revision: number; image?: string }>>();

  constructor(private readonly cluster: string) {}

  seen(rs: ReplicaSetLike, now: number): Extract<SourceEvent, { type: 'release' }> | undefined {
    const owner = rs.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;
    const revision = revisionNumber(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    if (!owner || revision === undefined) return undefined;
    const key = `${rs.metadata?.namespace}/${owner}`;
    const known = this.revisions.get(key) ?? new Map<string, { revision: number; image?: string }>();
    this.revisions.set(key, known);
    const name = rs.metadata?.name ?? '';
    const before = known.get(name);
    // An update that is not a new revision (a scale, a status change) changes nothing here.
    if (before?.revision === revision) return undefined;
    const others = [...known.entries()].filter(([n]) => n !== name).map(([, v]) => v);
    const image = rs.spec?.template?.spec?.containers?.[0]?.image;
    known.set(name, { revision, ...(image && { image }) });
    const previous = others.filter((k) => k.revision < revision).sort((a, b) => b.revision - a.revision)[0];
    const newest = others.every((k) => k.revision < revision);
    if (!newest || !previous || previous.image === image) return undefined;
    // A ReplicaSet already known that takes the newest revision is a rollback happening now; a new
    // one dates from its creation.
    const at = before ? now : timeOf(rs.metadata?.creationTimestamp);
    if (Number.isNaN(at) || at < now - RECENT_ROLLOUT_MS) return undefined;
    const cause = rs.metadata?.annotations?.['kubernetes.io/change-cause'];
    const from = tagOf(previous.image);
    return {
      type: 'release',
      service: sanitize(owner),
      host: sanitize(this.cluster),
      ...(from && { from: sanitize(from) }),
      to: sanitize(tagOf(image) ?? `revision ${revision}`),
      at,
      reason: sanitize(
        `revision ${revision}${before ? ` (was ${before.revision}: a rollback)` : ''}${cause ? `: ${cause}` : ''}`,
      ),
    };
  }
}

export interface KubernetesTarget {
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  /** Follow every running pod's logs (default) under its workload's name, at most `maxLogStreams` at once. */
  logs?: boolean;
  maxLogStreams?: number;
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
 * stopped and re-listed when nothing (not even a bookmark: `touch`) has come for `silentMs`.
 */
function supervise<T extends KubernetesObject>(
  informer: Informer<T>,
  stopped: () => boolean,
  silentMs: number,
  onError?: (err: unknown) => void,
): { touch: () => void; stop: () => void } {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
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
  return {
    touch,
    stop: () => {
      clearInterval(watchdog);
      void informer.stop();
    },
  };
}

type K8s = typeof import('@kubernetes/client-node');

/**
 * An informer (list, then watch from the list's resourceVersion; re-listed on 410 Gone) whose watches
 * ask for bookmarks, so a quiet resource's resourceVersion stays fresh and a reconnect does not
 * re-list. Every watch event, bookmarks too, calls `alive`: the watchdog's proof of a live stream.
 * The watch is `boundedWatch` (a capped line, an unreadable event ends it with why).
 */
function informerWithBookmarks<T extends KubernetesObject>(
  k8s: K8s,
  watch: ReturnType<typeof boundedWatch>,
  path: string,
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>,
  alive: () => void,
): Informer<T> {
  const bookmarking = {
    watch: (
      p: string,
      query: Record<string, unknown>,
      callback: (phase: string, obj: unknown, watchObj?: unknown) => void,
      done: (err: unknown) => void,
    ) =>
      watch.watch(
        p,
        { ...query, allowWatchBookmarks: true },
        (phase, obj, watchObj) => {
          alive();
          callback(phase, obj, watchObj);
        },
        done,
      ),
  } as unknown as InstanceType<K8s['Watch']>;
  return new k8s.ListWatch<T>(path, bookmarking, list as never, false);
}

interface WorkloadLike {
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: { replicas?: number; paused?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    conditions?: { type?: string; reason?: string }[];
  };
}

/** A Deployment, StatefulSet or DaemonSet as its controller counts it. */
export function workloadStatus(
  o: WorkloadLike,
  kind: WorkloadStatus['kind'],
  cluster: string,
): WorkloadStatus {
  const ns = o.metadata?.namespace ?? 'default';
  const name = o.metadata?.name ?? '?';
  const st = o.status ?? {};
  const daemon = kind === 'DaemonSet';
  const desired = daemon ? (st.desiredNumberScheduled ?? 0) : (o.spec?.replicas ?? 1);
  const revision = revisionNumber(o.metadata?.annotations?.['deployment.kubernetes.io/revision']);
  return {
    id: `${cluster}/${ns}/${name}`,
    cluster: sanitize(cluster),
    namespace: sanitize(ns),
    name: sanitize(name),
    kind,
    desired,
    ready: (daemon ? st.numberReady : st.readyReplicas) ?? 0,
    updated: (daemon ? st.updatedNumberScheduled : st.updatedReplicas) ?? 0,
    available: (daemon ? st.numberAvailable : st.availableReplicas) ?? 0,
    current: (daemon ? st.currentNumberScheduled : st.replicas) ?? 0,
    generation: o.metadata?.generation ?? 0,
    observedGeneration: st.observedGeneration ?? 0,
    paused: o.spec?.paused === true,
    ...(revision !== undefined && { revision }),
    ...(st.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') && {
      stalled: true,
    }),
  };
}

/**
 * A cluster, watched: pods (each a row, grouped by namespace, named by workload), the workloads
 * that own them, ReplicaSets (rollouts as releases) and events. Loaded on first use: a console
 * without Kubernetes never loads the client.
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
    const kc = loadKubeConfig(k8s, target.kubeconfig ?? kubeconfigPath(), target.context);
    const cluster = kc.getCurrentContext() || 'kubernetes';
    const id = `kubernetes ${cluster}`;
    // Until the pods are read, they are unknown: connecting, never an empty cluster.
    sink({ type: 'source', id, state: 'connecting', at: Date.now() });
    // Connected once the pods are read (a list that parsed, or a watch the server accepted from a
    // list's resourceVersion) and while no resource is in trouble: an answer that cannot be read
    // fails the source with why, never shows an empty cluster, and one that reads later clears it.
    let podsRead = false;
    const troubles = new Map<string, { failed: boolean; reason: string }>();
    const say = () => {
      const [trouble] = troubles.values();
      if (trouble)
        sink({
          type: 'source',
          id,
          state: trouble.failed ? 'failed' : 'reconnecting',
          at: Date.now(),
          reason: trouble.reason,
        });
      else if (podsRead) sink({ type: 'source', id, state: 'connected', at: Date.now() });
    };
    const starts: Promise<void>[] = [];
    /** Watches one resource (`plural` under `base`, in `ns` or everywhere) under the supervisor. */
    const watchResource = <T extends KubernetesObject>(
      ns: string | undefined,
      base: string,
      plural: string,
      on: { change?: (o: T) => void; remove?: (o: T) => void },
    ) => {
      let touch = () => {};
      const path = ns ? `${base}/namespaces/${ns}/${plural}` : `${base}/${plural}`;
      // Read: a list or a watch event parsed. A watch the server merely opened clears a network
      // trouble, not an answer that could not be read (the same watch would fail again).
      const read = () => {
        if (plural === 'pods') podsRead = true;
        if (troubles.delete(path) || plural === 'pods') say();
      };
      const opened = () => {
        if (troubles.get(path)?.failed === false) read();
      };
      const troubled = (err: unknown) => {
        const failed = err instanceof KubernetesAnswerError;
        troubles.set(path, { failed, reason: sanitize(String((err as Error)?.message ?? err)) });
        say();
      };
      const informer = informerWithBookmarks<T>(
        k8s,
        boundedWatch(kc, opened),
        path,
        async () => {
          const list = await listObjects<T>(kc, path);
          read();
          return list;
        },
        () => {
          touch();
          if (troubles.has(path)) read();
        },
      );
      if (on.change) {
        informer.on('add', on.change);
        informer.on('update', on.change);
      }
      if (on.remove) informer.on('delete', on.remove);
      const supervised = supervise(informer, isStopped, silentMs, troubled);
      touch = supervised.touch;
      stops.push(supervised.stop);
      starts.push(informer.start());
    };
    const rollouts = new RolloutTracker(cluster);
    const follower =
      target.logs === false
        ? undefined
        : new KubernetesLogFollower(podLogOpener(kc), sink, target.maxLogStreams, (counts) =>
            sink({ type: 'log-streams', counts }),
          );
    if (follower) stops.push(() => follower.stop());
    const followLogs = (pod: PodLike) =>
      follower?.pod({
        namespace: pod.metadata?.namespace ?? 'default',
        pod: pod.metadata?.name ?? '',
        workload: sanitize(workloadOf(pod)),
        containers: (pod.spec?.containers ?? []).flatMap((c) => (c.name ? [c.name] : [])),
        running: pod.status?.phase === 'Running',
      });
    for (const ns of target.namespaces?.length ? target.namespaces : [undefined]) {
      watchResource<PodLike & KubernetesObject>(ns, '/api/v1', 'pods', {
        change: (pod) => {
          sink({ type: 'container', status: podStatus(pod, cluster) });
          followLogs(pod);
        },
        remove: (pod) => {
          sink({ type: 'container-removed', id: podStatus(pod, cluster).id });
          follower?.gone(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
        },
      });
      // Events, caught while they live (the API forgets them after about an hour).
      watchResource<EventLike & KubernetesObject>(ns, '/api/v1', 'events', {
        change: (ev) => {
          const e = clusterEvent(ev);
          if (e) sink(e);
        },
      });
      // Rollouts: a Deployment's ReplicaSet of a higher revision is a release, with its image change.
      watchResource<ReplicaSetLike & KubernetesObject>(ns, '/apis/apps/v1', 'replicasets', {
        change: (rs) => {
          const release = rollouts.seen(rs, Date.now());
          if (release) sink(release);
        },
      });
      const workloads: [WorkloadStatus['kind'], string][] = [
        ['Deployment', 'deployments'],
        ['StatefulSet', 'statefulsets'],
        ['DaemonSet', 'daemonsets'],
      ];
      for (const [kind, plural] of workloads)
        watchResource<WorkloadLike & KubernetesObject>(ns, '/apis/apps/v1', plural, {
          change: (o) => sink({ type: 'workload', status: workloadStatus(o, kind, cluster) }),
          remove: (o) => sink({ type: 'workload-removed', id: workloadStatus(o, kind, cluster).id }),
        });
    }
    if (stopped) return;
    await Promise.all(starts);
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
