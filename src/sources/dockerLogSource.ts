import type { Pool } from 'undici';
import { LineSplitter } from '../logs/lineSplitter';
import type { EventSink, FieldNames } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { type LinkAttempt, ReconnectLoop } from '../transport/reconnectLoop';
import { type DockerDialer, dockerClient } from './dockerSource';
import { reportLinkState } from './linkState';
import { firstConnection, type ReadBack, ReadBackCap, timedLineEvents } from './readBack';
import { gapMarker } from './streamingLogSource';
import { TimestampedLines } from './timestampedLines';

/**
 * Demultiplexes the Engine API's log stream: 8-byte frame headers (stream, 0, 0, 0, length) before
 * each payload when the container has no TTY. Yields payloads by stream.
 */
export class DockerFrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { stream: 'stdout' | 'stderr'; data: Buffer }[] {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      out.push({ stream: this.buf[0] === 2 ? 'stderr' : 'stdout', data: this.buf.subarray(8, 8 + size) });
      this.buf = this.buf.subarray(8 + size);
    }
    return out;
  }
}

/** A container's log stream as lines, whether it is framed (no TTY) or raw (a TTY). */
export class DockerLogDecoder {
  private readonly frames = new DockerFrameReader();
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  private raw: boolean | undefined;

  push(c: Buffer): string[] {
    // A container with a TTY sends raw bytes; without one, framed stdout/stderr. Older API
    // versions label both the same, so the first bytes decide.
    this.raw ??= !(
      c.length >= 8 &&
      c[0] !== undefined &&
      c[0] <= 2 &&
      c[1] === 0 &&
      c[2] === 0 &&
      c[3] === 0
    );
    const parts = this.raw ? [{ stream: 'stdout' as const, data: c }] : this.frames.push(c);
    return parts.flatMap((p) => this.splitters[p.stream].push(p.data));
  }

  end(): string[] {
    return [...this.splitters.stdout.end(), ...this.splitters.stderr.end()];
  }
}

/**
 * Follows one container's logs through the Engine API (locally or over SSH), with timestamps, so a
 * reconnect resumes from the last line seen: the lines at that instant are dropped as duplicates
 * and a marker shows where the gap was. A container that exited is a state, not a link to retry:
 * the follower says so once and waits for the engine's `start` event, then follows again.
 */
export class DockerLogSource {
  private readonly resume = new TimestampedLines();
  private readonly loop: ReconnectLoop;
  private readonly report: ReturnType<typeof reportLinkState>;
  /** The resume point the last gap marker was shown for: a link that flaps adds no new marker. */
  private markedAt: string | undefined;
  /**
   * Whether the last connection ended with the engine closing the stream, not with an error. The
   * engine closes a followed stream when the container stops, sometimes before its inspection says
   * so; the next connection resumes from the last line with nothing lost, so it is no gap.
   */
  private endedCleanly = false;
  /** When the first connection was made: lines the engine logged before it are read back. */
  private readBackBefore: number | undefined;

  constructor(
    private readonly container: string,
    private readonly source: string,
    private readonly dialer: DockerDialer,
    private readonly sink: EventSink,
    private readonly options: { fields?: Partial<FieldNames>; readBack?: ReadBack } = {},
  ) {
    this.report = reportLinkState(sink, `docker-logs:${container}`);
    this.loop = new ReconnectLoop({
      session: (attempt) => this.follow(attempt),
      onState: this.report,
      endedReason: 'the log stream ended',
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /**
   * One connection to the engine: follows the log stream from the last line seen until it ends;
   * while the container is not running, waits for it to start, then follows it again. Returns (and
   * the loop reconnects) only when the stream ended with the container still running.
   */
  private async follow({ first, signal, connected }: LinkAttempt): Promise<void> {
    const client = dockerClient(this.dialer);
    try {
      let gap = !first && !this.endedCleanly;
      this.endedCleanly = false;
      for (;;) {
        await this.streamLogs(client, gap, signal, connected);
        gap = false;
        // Events from just before the inspection are replayed, so a start between the two is seen.
        const since = Math.floor(Date.now() / 1000) - 1;
        const stopped = await this.notRunning(client, signal);
        if (stopped === undefined) {
          this.endedCleanly = true;
          return;
        }
        this.report('stopped', { reason: `the container ${stopped}; following again when it starts` });
        await this.started(client, since, signal);
      }
    } finally {
      void client.destroy().catch(() => {});
    }
  }

  /** Follows the log stream from the last line seen until it ends. */
  private async streamLogs(client: Pool, gap: boolean, signal: AbortSignal, connected: () => void) {
    const last = this.resume.last;
    if (gap && last && last !== this.markedAt) {
      this.markedAt = last;
      this.emit([gapMarker(this.source, last)]);
    }
    // What the engine logged before this first connection is read back (see `readBack.ts`).
    this.readBackBefore ??= Date.now();
    const first = firstConnection(this.options.readBack, this.readBackBefore);
    // Docker takes `since` as seconds with a fraction; lines at exactly that instant come again.
    const since = last ? (Date.parse(last) / 1000).toFixed(3) : ((first.sinceMs ?? 0) / 1000).toFixed(3);
    const tail = last ? 'all' : String(first.tailLines);
    const res = await client.request({
      method: 'GET',
      path: `/containers/${encodeURIComponent(this.container)}/logs?follow=1&stdout=1&stderr=1&timestamps=1&since=${since}&tail=${tail}`,
      signal,
      bodyTimeout: 0,
      headersTimeout: 10_000,
    });
    if (res.statusCode !== 200)
      throw new Error(
        `Docker API answered ${res.statusCode}: ${sanitize(await res.body.text()).slice(0, 200)}`,
      );
    connected();
    const decoder = new DockerLogDecoder();
    const cap = new ReadBackCap(this.source, last ? undefined : this.options.readBack?.maxLines);
    for await (const chunk of res.body) {
      const taken = decoder.push(chunk as Buffer).flatMap((l) => this.resume.take(l) ?? []);
      // The engine's time of each line goes along: a line without a time of its own is placed by it.
      const timed = taken.map((t) => ({ body: t.body, at: t.at ?? Date.now() }));
      const events = timedLineEvents(this.source, timed, this.readBackBefore, this.options.fields);
      for (const event of events) this.sink(event);
      const marker = cap.after(events);
      if (marker) this.sink(marker);
    }
  }

  /** Undefined while the container runs; else its state in words ("exited (exit 137)", "is gone"). */
  private async notRunning(client: Pool, signal: AbortSignal): Promise<string | undefined> {
    const res = await client.request({
      method: 'GET',
      path: `/containers/${encodeURIComponent(this.container)}/json`,
      signal,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const body = await res.body.text();
    if (res.statusCode === 404) return 'is gone';
    if (res.statusCode !== 200)
      throw new Error(`Docker API answered ${res.statusCode}: ${sanitize(body).slice(0, 200)}`);
    const state = (JSON.parse(body) as { State?: { Running?: boolean; Status?: string; ExitCode?: number } })
      .State;
    if (state?.Running !== false) return undefined;
    return `${sanitize(String(state.Status ?? 'stopped')).slice(0, 40)}${state.ExitCode ? ` (exit ${state.ExitCode})` : ''}`;
  }

  /** Resolves at the container's next start (the engine sends the headers with the first event). */
  private async started(client: Pool, since: number, signal: AbortSignal): Promise<void> {
    const filters = { type: ['container'], container: [this.container], event: ['start'] };
    const events = await client.request({
      method: 'GET',
      path: `/events?since=${since}&filters=${encodeURIComponent(JSON.stringify(filters))}`,
      signal,
      bodyTimeout: 0,
      headersTimeout: 0,
    });
    if (events.statusCode !== 200) throw new Error(`Docker API answered ${events.statusCode} to /events`);
    for await (const chunk of events.body) if ((chunk as Buffer).length > 0) break;
    events.body.destroy();
  }

  private emit(lines: string[]): void {
    if (lines.length > 0) {
      const fields = this.options.fields;
      this.sink({
        type: 'log-lines',
        source: this.source,
        lines,
        receivedAt: Date.now(),
        ...(fields && { fields }),
      });
    }
  }
}
