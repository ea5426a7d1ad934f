import type { CommandTarget } from './command';

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
}

/** What a container's engine can be asked: its detail, and a target that runs `docker VERB NAME`. */
export interface ContainerEngines {
  describe(host: string, name: string): Promise<ContainerDetail>;
  /** Its last lines, as `docker logs --tail N` (a restarted container's earlier runs included). */
  logs(host: string, name: string, tail: number): Promise<string[]>;
  /** Undefined for a host whose containers the console cannot act on. */
  target(host: string): CommandTarget | undefined;
}
