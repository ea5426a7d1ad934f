/** One event about the object described: a Kubernetes event, or a Docker engine event. */
export interface DetailEvent {
  at: number;
  warning: boolean;
  reason: string;
  message: string;
  /** How many times the API has seen it (it folds repeats into one event). */
  count: number;
}

/** A pod or workload condition, as `kubectl describe` lists them. */
export interface DetailCondition {
  type: string;
  ok: boolean;
  reason?: string;
  message?: string;
  at?: number;
}

/** One of a pod's containers: what its status says now, and how its last run ended. */
export interface PodContainerDetail {
  name: string;
  image: string;
  imageId?: string;
  ready: boolean;
  restarts: number;
  /** running, waiting or terminated, with the kubelet's reason (CrashLoopBackOff, OOMKilled...). */
  state: string;
  reason?: string;
  exitCode?: number;
  since?: number;
  last?: { reason?: string; exitCode?: number; finishedAt?: number };
  limits: [string, string][];
  requests: [string, string][];
}

/** What `kubectl describe pod` shows that matters at 3 a.m., without its noise. */
export interface PodDetail {
  cluster: string;
  namespace: string;
  name: string;
  /** kind/name of what owns it (ReplicaSet/api-7d9c). */
  owner?: string;
  node?: string;
  phase: string;
  startedAt?: number;
  conditions: DetailCondition[];
  containers: PodContainerDetail[];
  labels: [string, string][];
  events: DetailEvent[];
}

/** What `kubectl describe deployment|statefulset` shows that matters: replicas, conditions, events. */
export interface WorkloadDetail {
  cluster: string;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  replicas: { desired: number; ready: number; updated: number; available: number };
  revision?: number;
  strategy?: string;
  paused: boolean;
  images: string[];
  selector: string;
  conditions: DetailCondition[];
  events: DetailEvent[];
}
