import type { CommandTarget } from './command';
import type { DetailEvent, PodDetail, WorkloadDetail } from './podDetail';
import type { WorkloadStatus } from './sourceEvents';

/** One health check run, as the engine keeps the last few. */
export interface HealthRun {
  at: number;
  exitCode: number;
  output: string;
}

/**
 * What the describe view shows of one container: what `docker inspect` holds that matters at
 * 3 a.m., every text sanitized by its mapping.
 */
export interface ContainerDetail {
  name: string;
  host: string;
  image: string;
  imageId?: string;
  state: string;
  exitCode?: number;
  /** The engine's own word on the last failure (could not start, ...). */
  error?: string;
  oomKilled: boolean;
  startedAt?: number;
  finishedAt?: number;
  restarts: number;
  restartPolicy?: string;
  health?: { status: string; failingStreak: number; command: string; runs: HealthRun[] };
  labels: [string, string][];
  ports: string[];
  mounts: string[];
  limits: { memoryBytes?: number; cpus?: number };
  /** Its last hour's lifecycle and health events from the engine, when it gave them. */
  events?: DetailEvent[];
}

/**
 * What runs a container row and can act on it: a Docker engine, the demo's supervisor, or the
 * process manager a status command read (pm2, systemd).
 */
export type ContainerRuntime = 'docker' | 'process' | 'pm2' | 'systemd';

/** What the describe view shows: a container (or process), a pod, or a workload, with where it is. */
export type DescribeSubject =
  | { kind: 'container'; host: string; name: string; runtime: ContainerRuntime }
  | { kind: 'pod'; host: string; namespace: string; name: string }
  | { kind: 'workload'; host: string; namespace: string; name: string; workload: WorkloadStatus['kind'] };

/** What its engine or API answered about the subject, of the subject's kind. */
export type Described =
  | { kind: 'container'; detail: ContainerDetail }
  | { kind: 'pod'; detail: PodDetail }
  | { kind: 'workload'; detail: WorkloadDetail };

/**
 * What the describe view asks a cluster: a pod or a workload with its events, a pod's own logs,
 * and the target that runs `kubectl rollout restart|scale|delete pod` as kubectl would.
 */
export interface KubernetesEngine {
  pod(namespace: string, name: string): Promise<PodDetail>;
  workload(kind: WorkloadStatus['kind'], namespace: string, name: string): Promise<WorkloadDetail>;
  /** Each container's last lines, its previous instance's first when it has restarted (`--previous`). */
  podLogs(namespace: string, name: string, tail: number): Promise<string[]>;
  target: CommandTarget;
}

/** What a container's engine can be asked: its detail, and a target that runs `docker VERB NAME`. */
export interface ContainerEngines {
  /** The environment's cluster, when it has one. */
  kubernetes?: KubernetesEngine;
  describe(host: string, name: string): Promise<ContainerDetail>;
  /** Its last lines, as `docker logs --tail N` (a restarted container's earlier runs included). */
  logs(host: string, name: string, tail: number): Promise<string[]>;
  /** Undefined for a host whose containers the console cannot act on. */
  target(host: string): CommandTarget | undefined;
  /** Runs a command on the host, as its status commands run: for pm2 and systemctl. */
  commandTarget?(host: string): CommandTarget | undefined;
}
