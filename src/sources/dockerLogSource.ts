import { LineSplitter } from '../logs/lineSplitter';
import type { EventSink, FieldNames } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { type LinkAttempt, ReconnectLoop } from '../transport/reconnectLoop';
import { type DockerDialer, dockerClient } from './dockerSource';
import { reportLinkState } from './linkState';
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
 * and a marker shows where the gap was.
 */
export class DockerLogSource {
  private readonly resume = new TimestampedLines();
  private readonly loop: ReconnectLoop;

  constructor(
    private readonly container: string,
    private readonly source: string,
    private readonly dialer: DockerDialer,
    private readonly sink: EventSink,
    private readonly fields?: Partial<FieldNames>,
  ) {
    this.loop = new ReconnectLoop({
      session: (attempt) => this.follow(attempt),
      onState: reportLinkState(sink, `docker-logs:${container}`),
      endedReason: 'the log stream ended',
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** One follow of the log stream, from the last line seen, until it ends. */
  private async follow({ first, signal, connected }: LinkAttempt): Promise<void> {
    const client = dockerClient(this.dialer);
    try {
      const last = this.resume.last;
      if (!first && last) this.emit([gapMarker(this.source, last)]);
      // Docker takes `since` as seconds with a fraction; lines at exactly that instant come again.
      const since = last ? (Date.parse(last) / 1000).toFixed(3) : '0';
      const tail = last ? 'all' : '200';
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
      for await (const chunk of res.body) {
        const taken = decoder.push(chunk as Buffer).flatMap((l) => this.resume.take(l) ?? []);
        // The engine's time of each line goes along: a line without a time of its own is placed by it.
        this.emit(
          taken.map((t) => t.body),
          taken.map((t) => t.at ?? Date.now()),
        );
      }
    } finally {
      void client.destroy().catch(() => {});
    }
  }

  private emit(lines: string[], times?: number[]): void {
    if (lines.length > 0) {
      this.sink({
        type: 'log-lines',
        source: this.source,
        lines,
        receivedAt: Date.now(),
        ...(times && { times }),
        ...(this.fields && { fields: this.fields }),
      });
    }
  }
}
