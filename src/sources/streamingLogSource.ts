import { LineSplitter } from '../logs/lineSplitter';
import type { CommandTarget } from '../model/command';
import type { EventSink, FieldNames } from '../model/sourceEvents';
import { type LinkAttempt, ReconnectLoop } from '../transport/reconnectLoop';
import { reportLinkState } from './linkState';
import { type ReadBack, ReadBackCap, timedLineEvents } from './readBack';

const DAY_MS = 24 * 3600_000;

export function gapMarker(source: string, from: string | undefined): string {
  return from
    ? `── ${source}: connection lost and resumed; lines since ${from} were fetched again and duplicates dropped ──`
    : `── ${source}: the stream stopped and was started again; lines in between may be missing ──`;
}

export interface StreamingLogOptions {
  /** The name the lines are shown under (the service). */
  source: string;
  target: CommandTarget;
  /** The argv for a (re)start; `resume` is what the last run saw, undefined the first time. */
  argvFor: (resume: string | undefined) => string[];
  /** Extracts the resume point (a cursor or a timestamp) from a line, when it has one. */
  resumePoint?: (line: string) => string | undefined;
  /**
   * The time the system logged a line at (journald's receive time), when it says: lines of the
   * first run from before it started are marked read back, counted at that time.
   */
  lineTime?: (line: string) => number | undefined;
  /** How many lines the first run reads back at most (said with a marker when reached). */
  readBackCap?: number;
  fields?: Partial<FieldNames>;
}

/**
 * Follows a long-running command's output as log lines (`kubectl logs -f`, `journalctl -f -o json`,
 * `docker compose logs -f`), locally or over SSH. When the command ends (the link dropped, the pod
 * restarted) it is started again with backoff, resuming from the last cursor or timestamp seen;
 * repeated lines are dropped and a visible marker says where the gap was.
 */
export class StreamingLogSource {
  private resume: string | undefined;
  private recent = new Set<string>();
  /** When the first run started: what the system logged before it is read back. */
  private readBackBefore: number | undefined;
  private readonly cap: ReadBackCap;
  private readonly loop: ReconnectLoop;

  constructor(
    private readonly options: StreamingLogOptions,
    private readonly sink: EventSink,
  ) {
    const { source, argvFor } = options;
    const id = `logs:${source}:${argvFor(undefined)[0]}`;
    this.cap = new ReadBackCap(source, options.readBackCap);
    this.loop = new ReconnectLoop({
      session: (attempt) => this.runOnce(attempt),
      onState: reportLinkState(sink, id),
      // A command that ran a while before it stopped is restarted at once; one that keeps failing
      // at start waits longer each time.
      healthyAfterMs: 30_000,
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** One run of the command, until it exits. */
  private async runOnce({ first, signal, connected }: LinkAttempt): Promise<void> {
    const { source, target, argvFor, resumePoint, lineTime } = this.options;
    this.readBackBefore ??= Date.now();
    const readBackBefore = first && lineTime ? this.readBackBefore : undefined;
    const resumedFrom = this.resume;
    if (!first)
      this.sink({
        type: 'log-lines',
        source,
        lines: [gapMarker(source, resumedFrom)],
        receivedAt: Date.now(),
      });
    const splitter = new LineSplitter();
    const previous = this.recent;
    this.recent = new Set();
    connected();
    const result = await target.run(argvFor(resumedFrom), {
      timeoutMs: DAY_MS,
      signal,
      maxOutputBytes: 4096,
      onOutput: (chunk) => {
        const lines = splitter.push(Buffer.from(chunk)).filter((l) => {
          // A resumed run repeats the lines at the resume point: drop what was already shown.
          if (previous.has(l)) return false;
          this.recent.add(l);
          if (this.recent.size > 2000) this.recent = new Set([...this.recent].slice(-1000));
          const point = resumePoint?.(l);
          if (point) this.resume = point;
          return true;
        });
        if (lines.length === 0) return;
        if (readBackBefore !== undefined && lineTime) {
          const now = Date.now();
          const timed = lines.map((body) => ({ body, at: lineTime(body) ?? now }));
          const events = timedLineEvents(source, timed, readBackBefore, this.options.fields);
          for (const event of events) this.sink(event);
          const marker = this.cap.after(events);
          if (marker) this.sink(marker);
          return;
        }
        this.sink({
          type: 'log-lines',
          source,
          lines,
          receivedAt: Date.now(),
          ...(this.options.fields && { fields: this.options.fields }),
        });
      },
    });
    throw new Error(
      `exit ${result.exitCode}: ${result.output.split('\n').filter(Boolean).slice(-1)[0] ?? ''}`,
    );
  }
}

/**
 * `journalctl -f -o json` for a unit, resuming after the last cursor seen. The first run reads
 * back the unit's journal for the window (`--since @EPOCH`, the newest `maxLines` of it), or its
 * last 100 entries without one.
 */
export function journaldArgv(unit: string, readBack?: ReadBack) {
  return (cursor: string | undefined) => [
    'journalctl',
    '-f',
    '-o',
    'json',
    '-u',
    unit,
    ...(cursor
      ? ['--after-cursor', cursor]
      : readBack
        ? [
            '--since',
            `@${Math.floor((Date.now() - readBack.windowMs) / 1000)}`,
            '-n',
            String(readBack.maxLines),
          ]
        : ['-n', '100']),
  ];
}

/** When journald received an entry: its `__REALTIME_TIMESTAMP`, in microseconds. */
export function journaldTime(line: string): number | undefined {
  const us = /"__REALTIME_TIMESTAMP"\s*:\s*"(\d{1,20})"/.exec(line)?.[1];
  return us === undefined ? undefined : Math.floor(Number(us) / 1000);
}

export function journaldCursor(line: string): string | undefined {
  return /"__CURSOR"\s*:\s*"([^"]+)"/.exec(line)?.[1];
}
