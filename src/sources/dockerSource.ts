import type { Duplex } from 'node:stream';
import { Pool } from 'undici';
import { LineSplitter } from '../logs/lineSplitter';
import type { ContainerStatus, EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { ReconnectLoop } from '../transport/reconnectLoop';
import { containerFromInspect, type InspectResult } from './dockerInspect';
import { reportLinkState } from './linkState';

/** How to reach a Docker Engine: its local socket, or a stream through SSH. */
export type DockerDialer = { socketPath: string } | { openStream: () => Promise<Duplex> };

/**
 * An undici pool for the Engine API: the events stream and every stats stream hold a connection
 * each, so one connection is never enough. Over SSH each connection is a forwarded stream.
 */
export function dockerClient(dialer: DockerDialer): Pool {
  if ('socketPath' in dialer) return new Pool('http://docker', { socketPath: dialer.socketPath });
  return new Pool('http://docker', {
    connect: (_opts, callback) => {
      dialer.openStream().then(
        (stream) => {
          // undici calls these socket methods; an SSH channel has no such knobs.
          const s = stream as Duplex & Record<string, unknown>;
          for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) s[m] ??= () => s;
          callback(null, s as never);
        },
        (err: Error) => callback(err, null),
      );
    },
  });
}

/** CPU percent (of one core, like `docker stats`) and memory from one stats sample. */
export function statsFromSample(s: {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}): { cpuPercent?: number; memoryBytes?: number } {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  const usage = s.memory_stats?.usage;
  const cache = s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.cache ?? 0;
  return {
    // The first sample of a stream has no previous reading (zeros): a percentage from it would be
    // the container's lifetime average, not its current use.
    ...((s.precpu_stats?.system_cpu_usage ?? 0) > 0 &&
      sysDelta > 0 &&
      cpuDelta >= 0 && { cpuPercent: (cpuDelta / sysDelta) * cpus * 100 }),
    ...(usage !== undefined && { memoryBytes: Math.max(0, usage - cache) }),
  };
}

export const DEFAULT_MAX_STATS_STREAMS = 32;
const SAMPLE_BATCH = 8;
const SAMPLE_INTERVAL_MS = 3000;
/**
 * The engine sends `health_status` only when the status changes, so a failing streak would stay at
 * the count it had then: containers whose check fails (or has not passed yet) are re-inspected this
 * often, a few at a time.
 */
export const HEALTH_REFRESH_MS = 2000;

const WATCHED_ACTIONS = new Set([
  'create',
  'start',
  'restart',
  'die',
  'kill',
  'oom',
  'stop',
  'pause',
  'unpause',
  'destroy',
]);

/**
 * Live container status from a Docker Engine: a full list at connect, then the events stream
 * (start, die, oom, health_status, restart...) for changes within a second, and one stats stream per
 * running container for CPU and memory. A lost engine is reported, its containers shown as unknown,
 * and the connection retried with backoff.
 */
export class DockerSource {
  private client: Pool | undefined;
  private readonly known = new Map<string, ContainerStatus>();
  private readonly stats = new Map<string, () => void>();
  /** Running containers beyond the stream cap: sampled a few at a time instead. */
  private readonly sampled = new Set<string>();
  private sampler: NodeJS.Timeout | undefined;
  private healthRefresher: NodeJS.Timeout | undefined;
  /** Where the round of failing-health re-inspections goes on from. */
  private healthTurn = 0;
  /**
   * Inspections run side by side on the pool's connections, so their answers can arrive out of
   * order: the one asked on `kill` (still running) after the one asked on `die` (exited). Each is
   * numbered when asked, and an answer older than one already shown for its container is dropped.
   */
  private inspections = 0;
  private readonly shownInspection = new Map<string, number>();
  private readonly loop: ReconnectLoop;

  constructor(
    private readonly host: string,
    private readonly dialer: DockerDialer,
    private readonly sink: EventSink,
    /**
     * One stats stream per container does not scale to a fleet (300 containers, 300 open
     * connections to the engine): past this many, containers are sampled in turn.
     */
    private readonly maxStatsStreams = DEFAULT_MAX_STATS_STREAMS,
  ) {
    const report = reportLinkState(sink, `docker@${host}`);
    this.loop = new ReconnectLoop({
      session: (attempt) => this.watch(attempt),
      onState: (state, detail) => {
        report(state, detail);
        // What was running may still be, or may not: say so rather than show stale "running".
        if (state === 'reconnecting' && detail.nextTryAt) this.markUnknown();
      },
      baseMs: 500,
      endedReason: 'the Docker events stream ended',
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
    clearInterval(this.healthRefresher);
    this.healthRefresher = undefined;
    this.closeStats();
    void this.client?.destroy().catch(() => {});
  }

  /** One connection to the engine: the full list, then its events until the stream ends. */
  private async watch({ connected }: { connected: () => void }): Promise<void> {
    const client = dockerClient(this.dialer);
    this.client = client;
    try {
      // Events from just before the listing are replayed, so no change falls between the two.
      const since = Math.floor(Date.now() / 1000) - 1;
      const list = (await this.json(client, '/containers/json?all=1')) as { Id: string }[];
      const seen = new Set<string>();
      for (const c of list) seen.add((await this.refresh(c.Id)) ?? '');
      for (const [id, status] of this.known) if (!seen.has(id)) this.forget(id, status);
      connected();
      this.healthRefresher = setInterval(() => this.refreshFailingHealth(), HEALTH_REFRESH_MS);
      // The engine sends the headers with the first event, which may be a while: no header deadline.
      const events = await client.request({
        method: 'GET',
        path: `/events?since=${since}&filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`,
        bodyTimeout: 0,
        headersTimeout: 0,
      });
      if (events.statusCode !== 200) throw new Error(`Docker API answered ${events.statusCode} to /events`);
      const splitter = new LineSplitter(64 * 1024);
      events.body.on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk)) this.onEvent(line);
      });
      await new Promise<void>((resolve, reject) => {
        events.body.on('end', () => resolve());
        events.body.on('error', reject);
        events.body.on('close', () => resolve());
      });
    } finally {
      clearInterval(this.healthRefresher);
      this.healthRefresher = undefined;
      void client.destroy().catch(() => {});
      this.closeStats();
    }
  }

  /** Re-inspects, in turn, a few of the running containers whose health check is not passing. */
  private refreshFailingHealth(): void {
    const failing = [...this.known]
      .filter(([, s]) => s.state === 'running' && (s.health === 'unhealthy' || s.health === 'starting'))
      .map(([id]) => id);
    if (failing.length === 0) return;
    const start = this.healthTurn % failing.length;
    const batch = [...failing.slice(start), ...failing.slice(0, start)].slice(0, SAMPLE_BATCH);
    this.healthTurn = start + batch.length;
    for (const id of batch) void this.refresh(id).catch(() => {});
  }

  private closeStats(): void {
    for (const close of this.stats.values()) close();
    this.stats.clear();
    this.sampled.clear();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  /** Every few seconds, one stats sample each for the next few containers without a stream. */
  private sampleInTurn(): void {
    const client = this.client;
    if (!client) return;
    const batch = [...this.sampled].slice(0, SAMPLE_BATCH);
    for (const id of batch) {
      // Round-robin: sampled ones go to the back of the line.
      this.sampled.delete(id);
      this.sampled.add(id);
      void this.json(client, `/containers/${id}/stats?stream=false`)
        .then((sample) => {
          const status = this.known.get(id);
          if (!sample || status?.state !== 'running') return;
          const next = { ...status, ...statsFromSample(sample as Parameters<typeof statsFromSample>[0]) };
          this.known.set(id, next);
          this.sink({ type: 'container', status: next });
        })
        .catch(() => {});
    }
  }

  private markUnknown(): void {
    for (const status of this.known.values()) {
      this.sink({
        type: 'container',
        status: { ...status, state: 'unknown', cpuPercent: undefined, memoryBytes: undefined },
      });
    }
  }

  private async json(client: Pool, path: string): Promise<unknown> {
    const res = await client.request({ method: 'GET', path, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = await res.body.text();
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200)
      throw new Error(`Docker API answered ${res.statusCode} to ${path}: ${sanitize(body).slice(0, 200)}`);
    return JSON.parse(body);
  }

  private onEvent(line: string): void {
    let e: { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    const action = e.Action ?? '';
    const id = e.Actor?.ID;
    if (!id || (!WATCHED_ACTIONS.has(action) && !action.startsWith('health_status'))) return;
    if (action === 'destroy') {
      const status = this.known.get(id);
      if (status) this.forget(id, status);
      return;
    }
    void this.refresh(id).catch(() => {});
  }

  /** Re-inspects one container and reports it; returns its id. */
  private async refresh(id: string): Promise<string | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const asked = ++this.inspections;
    const inspect = (await this.json(client, `/containers/${encodeURIComponent(id)}/json`)) as
      | InspectResult
      | undefined;
    if (!inspect) return undefined;
    if ((this.shownInspection.get(inspect.Id) ?? 0) > asked) return inspect.Id;
    this.shownInspection.set(inspect.Id, asked);
    const prev = this.known.get(inspect.Id);
    const status = {
      ...containerFromInspect(this.host, inspect),
      ...(prev?.state === 'running' && { cpuPercent: prev.cpuPercent, memoryBytes: prev.memoryBytes }),
    };
    this.known.set(inspect.Id, status);
    this.sink({ type: 'container', status });
    if (status.state === 'running') this.watchStats(inspect.Id);
    else {
      this.stats.get(inspect.Id)?.();
      this.sampled.delete(inspect.Id);
    }
    return inspect.Id;
  }

  private forget(dockerId: string, status: ContainerStatus): void {
    this.known.delete(dockerId);
    this.shownInspection.delete(dockerId);
    this.stats.get(dockerId)?.();
    this.sampled.delete(dockerId);
    this.sink({ type: 'container-removed', id: status.id });
  }

  private watchStats(dockerId: string): void {
    if (this.stats.has(dockerId) || !this.client) return;
    if (this.stats.size >= this.maxStatsStreams) {
      this.sampled.add(dockerId);
      this.sampler ??= setInterval(() => this.sampleInTurn(), SAMPLE_INTERVAL_MS);
      return;
    }
    const client = this.client;
    const controller = new AbortController();
    const close = () => {
      controller.abort();
      this.stats.delete(dockerId);
    };
    this.stats.set(dockerId, close);
    client
      .request({
        method: 'GET',
        path: `/containers/${dockerId}/stats?stream=true`,
        signal: controller.signal,
        bodyTimeout: 0,
      })
      .then((res) => {
        const splitter = new LineSplitter(256 * 1024);
        res.body.on('data', (chunk: Buffer) => {
          for (const line of splitter.push(chunk)) {
            try {
              const sample = statsFromSample(JSON.parse(line));
              const status = this.known.get(dockerId);
              if (status?.state !== 'running') continue;
              const next = { ...status, ...sample };
              this.known.set(dockerId, next);
              this.sink({ type: 'container', status: next });
            } catch {
              // A malformed sample is skipped; the next one comes within a second.
            }
          }
        });
        res.body.on('error', () => close());
        res.body.on('end', () => this.stats.delete(dockerId));
      })
      .catch(() => close());
  }
}
