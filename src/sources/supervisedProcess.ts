import { type ChildProcess, spawn } from 'node:child_process';
import { LineSplitter } from '../logs/lineSplitter';
import type { ContainerStatus, EventSink } from '../model/sourceEvents';
import { Poller } from './poller';
import { type CpuSample, cpuPercent, readProcStats } from './procStats';

export interface SupervisedProcessSpec {
  name: string;
  host: string;
  /** The argv that runs a given release; no shell is involved. */
  argvFor: (version: string) => string[];
  version: string;
  env?: NodeJS.ProcessEnv;
  /** Delay before restarting after an unexpected exit (doubles per consecutive crash). */
  restartDelayMs?: number;
}

const STOP_GRACE_MS = 3000;

/**
 * A child process run like a container: stdout and stderr become log lines, unexpected exits are
 * restarted and counted, CPU and memory come from /proc, and a release swaps the running version.
 * The child's stdin is a pipe it watches, so it also ends if this process dies without cleaning up.
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private status: ContainerStatus;
  private stopping = false;
  private crashStreak = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private lastCpu: CpuSample | undefined;
  private readonly stats: Poller;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: SupervisedProcessSpec,
    private readonly sink: EventSink,
  ) {
    this.status = {
      id: `${spec.host}/${spec.name}`,
      name: spec.name,
      host: spec.host,
      kind: 'process',
      state: 'stopped',
      health: 'none',
      version: spec.version,
      restarts: 0,
    };
    this.stats = new Poller({ intervalMs: 2000, task: () => this.sampleStats(), onFailure: () => {} });
  }

  /** What the status pane shows of it now. */
  get current(): ContainerStatus {
    return this.status;
  }

  /** Stopped and started again, as `docker restart` does; the crash streak starts over. */
  async restart(): Promise<void> {
    await this.stop();
    this.crashStreak = 0;
    this.start();
  }

  get version(): string {
    return this.status.version ?? this.spec.version;
  }

  start(): void {
    this.stopping = false;
    this.spawnChild();
    this.stats.start();
  }

  /** Replaces the running process with `version`; not counted as a restart. */
  async release(version: string): Promise<void> {
    this.stopping = true;
    await this.killChild();
    this.status = { ...this.status, version };
    this.stopping = false;
    this.crashStreak = 0;
    this.spawnChild();
  }

  /** Folds an external health check into the status, counting consecutive failures. */
  reportHealth(ok: boolean): void {
    if (this.status.state !== 'running') return;
    const streak = ok ? 0 : (this.status.healthFailingStreak ?? 0) + 1;
    const health = ok ? 'healthy' : 'unhealthy';
    if (health !== this.status.health || streak !== this.status.healthFailingStreak) {
      this.update({ health, healthFailingStreak: streak });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stats.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.killChild();
    // A stopped process has no health: what its last check said no longer holds.
    this.update({
      state: 'stopped',
      health: 'none',
      healthFailingStreak: 0,
      pid: undefined,
      cpuPercent: undefined,
      memoryBytes: undefined,
    });
  }

  private update(patch: Partial<ContainerStatus>): void {
    this.status = { ...this.status, ...patch };
    this.sink({ type: 'container', status: this.status });
  }

  private spawnChild(): void {
    const [command, ...args] = this.spec.argvFor(this.version);
    const child = spawn(command as string, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
    });
    this.child = child;
    this.lastCpu = undefined;
    this.update({
      state: 'running',
      health: 'starting',
      healthFailingStreak: 0,
      pid: child.pid,
      startedAt: Date.now(),
      exitCode: undefined,
    });
    for (const stream of [child.stdout, child.stderr]) {
      const splitter = new LineSplitter();
      stream?.on('data', (chunk: Buffer) => {
        const lines = splitter.push(chunk);
        if (lines.length > 0)
          this.sink({ type: 'log-lines', source: this.spec.name, lines, receivedAt: Date.now() });
      });
      stream?.on('end', () => {
        const rest = splitter.end();
        if (rest.length > 0)
          this.sink({ type: 'log-lines', source: this.spec.name, lines: rest, receivedAt: Date.now() });
      });
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve();
        if (this.child !== child) return;
        this.child = undefined;
        const exitCode = code ?? (signal ? 128 : 1);
        if (this.stopping) return;
        // A process that ran a while before dying starts a new crash streak.
        if (Date.now() - (this.status.startedAt ?? 0) > 10_000) this.crashStreak = 0;
        this.crashStreak++;
        const delay = Math.min(30_000, (this.spec.restartDelayMs ?? 500) * 2 ** (this.crashStreak - 1));
        this.update({
          state: 'restarting',
          exitCode,
          pid: undefined,
          cpuPercent: undefined,
          memoryBytes: undefined,
        });
        this.restartTimer = setTimeout(() => {
          if (this.stopping) return;
          this.status = { ...this.status, restarts: this.status.restarts + 1 };
          this.spawnChild();
        }, delay);
      });
    });
    child.on('error', (err) => {
      this.update({ state: 'exited', exitCode: 127 });
      this.sink({
        type: 'log-lines',
        source: this.spec.name,
        lines: [`failed to start: ${err.message}`],
        receivedAt: Date.now(),
      });
    });
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private async sampleStats(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    const s = await readProcStats(pid);
    if (!s) return;
    const sample = { at: Date.now(), ticks: s.ticks };
    const cpu = this.lastCpu ? cpuPercent(this.lastCpu, sample) : undefined;
    this.lastCpu = sample;
    this.update({ memoryBytes: s.rssBytes, ...(cpu !== undefined && { cpuPercent: cpu }) });
  }
}
