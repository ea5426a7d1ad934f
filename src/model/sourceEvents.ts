import type { Alert, AlertRule } from './alerts';

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
}

/** The service a container runs: its compose service, else its own name. */
export function serviceOf(status: ContainerStatus): string {
  return status.compose?.service ?? status.name;
}

export type SourceState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

export type SourceEvent =
  | { type: 'container'; status: ContainerStatus }
  | { type: 'container-removed'; id: string }
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
