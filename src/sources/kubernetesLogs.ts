import type { IncomingMessage, RequestOptions } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_MAX_LOG_STREAMS } from '../config/schema';
import { LineSplitter } from '../logs/lineSplitter';
import type { EventSink, LogStreamCounts } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { type LinkAttempt, ReconnectLoop } from '../transport/reconnectLoop';
import { reportLinkState } from './linkState';
import { firstConnection, type ReadBack, ReadBackCap, timedLineEvents } from './readBack';
import { TimestampedLines } from './timestampedLines';

/** Opens one container's log stream; the response ends or fails when the stream does. */
export type OpenPodLog = (
  at: { namespace: string; pod: string; container: string },
  query: Record<string, string>,
  signal: AbortSignal,
) => Promise<IncomingMessage>;

/**
 * Pod logs through the kubeconfig's credentials and TLS (the client's own agent), over a request of
 * our own: the client's `Log` pipes the response into a stream without passing on its errors, so a
 * cut stream would look like a quiet one and never be resumed.
 */
export function podLogOpener(kc: KubeConfig): OpenPodLog {
  return async ({ namespace, pod, container }, query, signal) => {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const options: RequestOptions = {};
    await kc.applyToHTTPSOptions(options as never);
    const url = new URL(
      `${server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
    );
    url.search = new URLSearchParams({ container, ...query }).toString();
    const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(url, { ...options, method: 'GET', signal }, (res) => {
        if (res.statusCode === 200) return resolve(res);
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString().slice(0, 1000);
        });
        res.on('end', () =>
          reject(
            new Error(
              `the API answered ${res.statusCode}: ${/"message":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? body.slice(0, 200)}`,
            ),
          ),
        );
      });
      req.on('error', reject);
      req.end();
    });
  };
}

export interface PodContainers {
  namespace: string;
  pod: string;
  /** The workload the lines are shown under (the service). */
  workload: string;
  containers: string[];
  running: boolean;
}

/**
 * One container's log, followed with the kubelet's timestamps: after a reconnect it asks for the
 * lines since the last one shown (the API takes whole seconds), drops those it had, and marks the gap.
 */
class ContainerLogStream {
  private readonly resume = new TimestampedLines();
  private readonly loop: ReconnectLoop;
  received = 0;
  shown = 0;
  /** When the first connection was made: lines logged before it are read back. */
  private readBackBefore: number | undefined;
  private readonly cap: ReadBackCap;

  constructor(
    private readonly open: OpenPodLog,
    private readonly at: { namespace: string; pod: string; container: string; workload: string },
    private readonly sink: EventSink,
    /** Called when lines came, so the follower can report its counts. */
    private readonly onLines: () => void,
    private readonly readBack?: ReadBack,
  ) {
    this.cap = new ReadBackCap(`${at.workload} (${at.pod})`, readBack?.maxLines);
    this.loop = new ReconnectLoop({
      session: (attempt) => this.follow(attempt),
      onState: reportLinkState(sink, `kubernetes-logs:${at.namespace}/${at.pod}/${at.container}`),
      endedReason: 'the log stream ended',
    });
  }

  get duplicates(): number {
    return this.resume.duplicates;
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  private async follow({ first, signal, connected }: LinkAttempt): Promise<void> {
    const { namespace, pod, container, workload } = this.at;
    const last = this.resume.last;
    if (!first && last)
      this.sink({
        type: 'log-lines',
        source: workload,
        lines: [
          sanitize(
            `── ${workload}: ${pod}/${container} reconnected; lines since ${last} are fetched again and duplicates dropped (${this.duplicates} so far) ──`,
          ),
        ],
        times: [Date.parse(last)],
        receivedAt: Date.now(),
      });
    const res = await this.open(
      { namespace, pod, container },
      {
        follow: 'true',
        timestamps: 'true',
        ...(last ? { sinceTime: `${last.slice(0, 19)}Z` } : this.firstQuery()),
      },
      signal,
    );
    connected();
    const splitter = new LineSplitter();
    try {
      for await (const chunk of res) {
        const timed: { body: string; at: number }[] = [];
        for (const line of splitter.push(chunk as Buffer)) {
          this.received++;
          const taken = this.resume.take(line);
          if (taken) timed.push({ body: taken.body, at: taken.at ?? Date.now() });
        }
        this.emit(timed);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  /** The first connection's query: the read-back window (the API takes whole seconds), or 200 lines. */
  private firstQuery(): Record<string, string> {
    this.readBackBefore ??= Date.now();
    const { sinceMs, tailLines } = firstConnection(this.readBack, this.readBackBefore);
    const sinceSeconds =
      sinceMs === undefined ? undefined : Math.ceil((this.readBackBefore - sinceMs) / 1000);
    return {
      tailLines: String(tailLines),
      ...(sinceSeconds !== undefined && { sinceSeconds: String(Math.max(1, sinceSeconds)) }),
    };
  }

  private emit(timed: { body: string; at: number }[]): void {
    this.onLines();
    if (timed.length === 0) return;
    this.shown += timed.length;
    // Lines the kubelet had before the first connection are read back (see `readBack.ts`).
    const events = timedLineEvents(this.at.workload, timed, this.readBackBefore ?? Date.now());
    for (const event of events) this.sink(event);
    const marker = this.cap.after(events);
    if (marker) this.sink({ ...marker, source: this.at.workload });
  }
}

/**
 * Follows the logs of every container of every running pod it is told about, each under its
 * workload's name (the ingest merges them by time), starting streams for pods created later and
 * stopping those of pods gone. At most `cap` streams at once; the rest wait, first come first
 * served, and the counts say so.
 */
export class KubernetesLogFollower {
  private readonly streams = new Map<string, ContainerLogStream>();
  private readonly waiting = new Map<
    string,
    { namespace: string; pod: string; container: string; workload: string }
  >();
  /** Counts of streams already stopped, so the totals keep reconciling. */
  private retired = { received: 0, shown: 0, duplicates: 0 };
  private reportTimer: NodeJS.Timeout | undefined;
  private shape = '';

  constructor(
    private readonly open: OpenPodLog,
    private readonly sink: EventSink,
    private readonly cap = DEFAULT_MAX_LOG_STREAMS,
    private readonly onCounts: (counts: LogStreamCounts) => void = () => {},
    private readonly readBack?: ReadBack,
  ) {}

  /** A pod as the watch sees it now: its containers are followed while it runs. */
  pod(p: PodContainers): void {
    if (!p.running) return;
    for (const container of p.containers) {
      const key = `${p.namespace}/${p.pod}/${container}`;
      if (this.streams.has(key) || this.waiting.has(key)) continue;
      this.waiting.set(key, { namespace: p.namespace, pod: p.pod, container, workload: p.workload });
    }
    this.fill();
  }

  /** A pod deleted: its streams stop and free their places. */
  gone(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const key of [...this.waiting.keys()]) if (key.startsWith(prefix)) this.waiting.delete(key);
    for (const [key, s] of this.streams) {
      if (!key.startsWith(prefix)) continue;
      s.stop();
      this.retired = {
        received: this.retired.received + s.received,
        shown: this.retired.shown + s.shown,
        duplicates: this.retired.duplicates + s.duplicates,
      };
      this.streams.delete(key);
    }
    this.fill();
  }

  counts(): LogStreamCounts {
    const live = [...this.streams.values()];
    const sum = (f: (s: ContainerLogStream) => number) => live.reduce((n, s) => n + f(s), 0);
    return {
      streaming: this.streams.size,
      wanted: this.streams.size + this.waiting.size,
      cap: this.cap,
      received: this.retired.received + sum((s) => s.received),
      shown: this.retired.shown + sum((s) => s.shown),
      duplicates: this.retired.duplicates + sum((s) => s.duplicates),
    };
  }

  /** The counts, said now (a stream started or stopped) or within a second (lines came). */
  private report(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.onCounts(this.counts());
  }

  private reportSoon(): void {
    this.reportTimer ??= setTimeout(() => this.report(), 1000).unref();
  }

  stop(): void {
    clearTimeout(this.reportTimer);
    for (const s of this.streams.values()) s.stop();
    this.streams.clear();
    this.waiting.clear();
  }

  private fill(): void {
    for (const [key, at] of this.waiting) {
      if (this.streams.size >= this.cap) break;
      this.waiting.delete(key);
      const stream = new ContainerLogStream(this.open, at, this.sink, () => this.reportSoon(), this.readBack);
      this.streams.set(key, stream);
      stream.start();
    }
    // Pods change often; the counts are said when the streams do.
    const shape = `${this.streams.size}/${this.waiting.size}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.report();
    }
  }
}
