import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { boundedWatch, KubernetesAnswerError, listObjects, loadKubeConfig } from './kubernetesApi';
import { KubernetesLogFollower, podLogOpener } from './kubernetesLogs';
import { informerWithBookmarks, supervise, WATCHDOG_MS } from './kubernetesWatch';
import { clusterEvent, type EventLike } from './mappings/clusterEvent';
import { type PodLike, podStatus, workloadOf } from './mappings/pod';
import { type ReplicaSetLike, RolloutTracker } from './mappings/rollouts';
import { WORKLOAD_RESOURCES, type WorkloadLike, workloadStatus } from './mappings/workload';
import type { ReadBack } from './readBack';

/** Where kubectl would read its kubeconfig: $KUBECONFIG (the first of its paths), else ~/.kube/config. */
export function kubeconfigPath(env = process.env): string {
  return env.KUBECONFIG?.split(':').find((p) => p !== '') ?? join(homedir(), '.kube', 'config');
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
 * A cluster, watched: pods (each a row, grouped by namespace, named by workload), the workloads
 * that own them, ReplicaSets (rollouts as releases) and events. Loaded on first use: a console
 * without Kubernetes never loads the client.
 */
export function kubernetesSource(
  target: KubernetesTarget,
  sink: EventSink,
  readBack?: ReadBack,
): { start(): void; stop(): void } {
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
        : new KubernetesLogFollower(
            podLogOpener(kc),
            sink,
            target.maxLogStreams,
            (counts) => sink({ type: 'log-streams', counts }),
            readBack,
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
      for (const [kind, plural] of WORKLOAD_RESOURCES)
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
