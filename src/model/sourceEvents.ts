import type { Alert, AlertRule } from './alerts';
import type { DeployOrigin } from './deployKind';

/** Dotted paths tried in order for each field of a structured log line; configurable per source. */
export interface FieldNames {
  level: string[];
  message: string[];
  time: string[];
  requestId: string[];
  status: string[];
}

/**
 * What sources emit. Sources know how to talk to one thing and describe what they saw with these
 * events; they never touch the store or React. The ingest batches them into the store.
 */

export type ContainerState = 'running' | 'starting' | 'restarting' | 'exited' | 'stopped' | 'unknown';
export type HealthState = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** A container, process or pod as the status pane shows it. */
export interface ContainerStatus {
  /** Stable key: host and name. */
  id: string;
  name: string;
  host: string;
  kind: 'process' | 'docker' | 'command' | 'kubernetes';
  state: ContainerState;
  health: HealthState;
  healthFailingStreak?: number;
  version?: string;
  image?: string;
  /** The image's content id (Docker's sha256), so a retag or a new digest under the same tag shows. */
  imageId?: string;
  restarts: number;
  startedAt?: number;
  exitCode?: number;
  pid?: number;
  cpuPercent?: number;
  memoryBytes?: number;
  /**
   * The project and service it belongs to: docker compose's labels, or a Kubernetes namespace and
   * workload. Containers of one service are one service in the panes, the logs and the releases.
   */
  compose?: { project: string; service: string };
  /** The last exit was the kernel's out-of-memory killer. */
  oomKilled?: boolean;
  /**
   * Why it is not running, in the orchestrator's word (Kubernetes: CrashLoopBackOff,
   * ImagePullBackOff, Unschedulable...): shown instead of the bare state.
   */
  reason?: string;
  /** How it was deployed, as far as its source can tell (compose labels, pm2): the rollback's variant. */
  deployedBy?: DeployOrigin;
  /** The process manager a command row came from, which can also restart, stop and start it. */
  managedBy?: 'pm2' | 'systemd';
}

/** The service a container runs: its compose service, else its own name. */
export function serviceOf(status: ContainerStatus): string {
  return status.compose?.service ?? status.name;
}

/**
 * A Kubernetes workload (Deployment, StatefulSet, DaemonSet) as its controller reports it: the pane
 * folds its pods into one row, and a rollback's verification waits on its rollout.
 */
export interface WorkloadStatus {
  /** cluster/namespace/name: the key its pods' host and compose project/service make. */
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** Pods still counted by the workload, old revisions included. */
  current: number;
  generation: number;
  observedGeneration: number;
  paused: boolean;
  /** The Deployment's revision (`deployment.kubernetes.io/revision`). */
  revision?: number;
  /** The controller gave up on the rollout (Progressing: ProgressDeadlineExceeded). */
  stalled?: boolean;
}

/** The key a pod's row shares with its workload. */
export function workloadKeyOf(c: ContainerStatus): string | undefined {
  return c.kind === 'kubernetes' && c.compose
    ? `${c.host}/${c.compose.project}/${c.compose.service}`
    : undefined;
}

/**
 * Whether a workload's rollout is done, as `kubectl rollout status` judges it: the controller has
 * seen the latest spec, every desired pod is updated and available, and no old pod remains.
 */
export function rolloutState(w: WorkloadStatus): 'complete' | 'progressing' | 'stalled' {
  if (w.stalled) return 'stalled';
  const done =
    w.observedGeneration >= w.generation &&
    w.updated >= w.desired &&
    w.current <= w.updated &&
    w.available >= w.updated;
  return done ? 'complete' : 'progressing';
}

/** What a cluster's log followers are doing: said in the log pane when the stream cap bites. */
export interface LogStreamCounts {
  /** Containers whose logs are followed now. */
  streaming: number;
  /** Containers that would be followed without the cap. */
  wanted: number;
  cap: number;
  /** Lines received, shown, and dropped because a resume fetched them again: received = shown + duplicates. */
  received: number;
  shown: number;
  duplicates: number;
}

export type SourceState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

export type SourceEvent =
  | { type: 'container'; status: ContainerStatus }
  | { type: 'container-removed'; id: string }
  | { type: 'workload'; status: WorkloadStatus }
  | { type: 'workload-removed'; id: string }
  | { type: 'log-streams'; counts: LogStreamCounts }
  /** A Kubernetes event (the API keeps them about an hour; the console keeps the notable ones). */
  | {
      type: 'cluster-event';
      at: number;
      uid: string;
      namespace: string;
      object: string;
      reason: string;
      message: string;
      count: number;
      warning: boolean;
    }
  | {
      type: 'log-lines';
      source: string;
      lines: string[];
      receivedAt: number;
      /**
       * When the runtime received each line (the kubelet's timestamps), one per line: a line without
       * a time of its own is placed by it, so the pods of a workload merge in the order they logged.
       */
      times?: number[];
      /**
       * Read back from the source's history (what it logged before the console opened): counted in
       * the error rates at each line's own time, and not stored again if the log store has it.
       */
      readBack?: boolean;
      /** Field names this source's structured lines use, tried before the usual ones. */
      fields?: Partial<FieldNames>;
    }
  | {
      type: 'counters';
      service: string;
      at: number;
      total: number;
      errors: number;
      p95Seconds?: number;
      /** A 1m ratio computed elsewhere (a custom PromQL query); preferred over the counters' own. */
      ratio1m?: number;
    }
  | { type: 'counters-unknown'; service: string; at: number; reason: string }
  | {
      type: 'health';
      service: string;
      target: string;
      at: number;
      ok: boolean;
      latencyMs: number;
      httpStatus?: number;
      version?: string;
      /** An error rate the endpoint reports about itself, 0-1. */
      errorRate?: number;
      error?: string;
    }
  | { type: 'source'; id: string; state: SourceState; at: number; reason?: string; nextTryAt?: number }
  /** The alerts Alertmanager holds now, or why they are unknown. */
  | { type: 'alerts'; at: number; alerts: Alert[] }
  | { type: 'alerts-unknown'; at: number; reason: string }
  /** Prometheus's alerting rules and the alerts they hold (pending ones included), or why unknown. */
  | { type: 'alert-rules'; at: number; rules: AlertRule[]; alerts: Alert[] }
  | { type: 'alert-rules-unknown'; at: number; reason: string }
  /** A version a service reports about itself (a Prometheus `*_build_info` label, say). */
  | { type: 'version'; service: string; reporter: string; version: string; at: number }
  | { type: 'release'; service: string; host: string; from?: string; to: string; at: number; reason: string };

export type EventSink = (event: SourceEvent) => void;
