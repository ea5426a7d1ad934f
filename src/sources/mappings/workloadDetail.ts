import type { WorkloadDetail } from '../../model/podDetail';
import type { WorkloadStatus } from '../../model/sourceEvents';
import { sanitize } from '../../text/sanitize';
import type { EventLike } from './clusterEvent';
import { detailEvents } from './detailEvents';
import { type ConditionLike, detailConditions } from './podDetail';
import { type WorkloadLike, workloadStatus } from './workload';

/** A Deployment, StatefulSet or DaemonSet as `GET` answers it: what `kubectl describe` reads of it. */
export type WorkloadDetailLike = Omit<WorkloadLike, 'spec' | 'status'> & {
  spec?: NonNullable<WorkloadLike['spec']> & {
    strategy?: {
      type?: string;
      rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
    };
    updateStrategy?: { type?: string };
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: { name?: string; image?: string }[] } };
  };
  status?: Omit<NonNullable<WorkloadLike['status']>, 'conditions'> & {
    conditions?: ConditionLike[];
  };
};

/** How it rolls out: a Deployment's strategy with its surge and unavailability, a set's update strategy. */
function strategyOf(spec: NonNullable<WorkloadDetailLike['spec']>): string | undefined {
  const rolling = spec.strategy?.rollingUpdate;
  const type = spec.strategy?.type ?? spec.updateStrategy?.type;
  if (!type) return undefined;
  return sanitize(
    rolling
      ? `${type} (max surge ${rolling.maxSurge ?? '25%'}, max unavailable ${rolling.maxUnavailable ?? '25%'})`
      : type,
  );
}

/** A workload and the events about it, as the describe view shows them; counted as the pane counts it. */
export function workloadDetail(
  cluster: string,
  kind: WorkloadStatus['kind'],
  o: WorkloadDetailLike,
  events: readonly EventLike[],
): WorkloadDetail {
  const counts = workloadStatus(o as WorkloadLike, kind, cluster);
  const spec = o.spec ?? {};
  const strategy = strategyOf(spec);
  return {
    cluster: counts.cluster,
    namespace: counts.namespace,
    kind,
    name: counts.name,
    replicas: {
      desired: counts.desired,
      ready: counts.ready,
      updated: counts.updated,
      available: counts.available,
    },
    ...(counts.revision !== undefined && { revision: counts.revision }),
    ...(strategy && { strategy }),
    paused: counts.paused,
    images: (spec.template?.spec?.containers ?? []).map(
      (c) => `${sanitize(c.name ?? '?')}: ${sanitize(c.image ?? '?')}`,
    ),
    selector: Object.entries(spec.selector?.matchLabels ?? {})
      .map(([k, v]) => sanitize(`${k}=${v}`))
      .join(','),
    conditions: detailConditions(o.status?.conditions ?? []),
    events: detailEvents(events),
  };
}
