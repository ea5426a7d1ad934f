import type { WorkloadStatus } from '../../model/sourceEvents';
import { sanitize } from '../../text/sanitize';
import { revisionNumber } from '../kubernetesApi';

/** A Deployment, StatefulSet or DaemonSet: the fields the console reads. */
export interface WorkloadLike {
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

/** The workload kinds the console watches, with their resource's plural under `/apis/apps/v1`. */
export const WORKLOAD_RESOURCES: readonly [WorkloadStatus['kind'], string][] = [
  ['Deployment', 'deployments'],
  ['StatefulSet', 'statefulsets'],
  ['DaemonSet', 'daemonsets'],
];

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
