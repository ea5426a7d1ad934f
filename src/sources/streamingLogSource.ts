import { LineSplitter } from '../logs/lineSplitter';
import type { EventSink, FieldNames } from '../model/sourceEvents';
import type { CommandTarget } from '../playbooks/commandRunner';
import { sanitize } from '../text/sanitize';
import { backoffDelay } from './poller';

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
  fields?: Partial<FieldNames>;
}

/**
 * Follows a long-running command's output as log lines (`kubectl logs -f`, `journalctl -f -o json`,
 * `docker compose logs -f`), locally or over SSH. When the command ends (the link dropped, the pod
 * restarted) it is started again with backoff, resuming from the last cursor or timestamp seen;
 * repeated lines are dropped and a visible marker says where the gap was.
 */
export class StreamingLogSource {
  private stopped = false;
  private controller: AbortController | undefined;
  private failures = 0;
  private resume: string | undefined;
  private recent = new Set<string>();

  constructor(
    private readonly options: StreamingLogOptions,
    private readonly sink: EventSink,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  private async loop(): Promise<void> {
    const { source, target, argvFor, resumePoint } = this.options;
    const id = `logs:${source}:${argvFor(undefined)[0]}`;
    let first = true;
    while (!this.stopped) {
      const resumedFrom = this.resume;
      if (!first)
        this.sink({
          type: 'log-lines',
          source,
          lines: [gapMarker(source, resumedFrom)],
          receivedAt: Date.now(),
        });
      first = false;
      const splitter = new LineSplitter();
      const previous = this.recent;
      this.recent = new Set();
      this.controller = new AbortController();
      this.sink({ type: 'source', id, state: 'connected', at: Date.now() });
      const started = Date.now();
      const result = await target
        .run(argvFor(resumedFrom), {
          timeoutMs: DAY_MS,
          signal: this.controller.signal,
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
            if (lines.length > 0)
              this.sink({
                type: 'log-lines',
                source,
                lines,
                receivedAt: Date.now(),
                ...(this.options.fields && { fields: this.options.fields }),
              });
          },
        })
        .catch((err: Error) => ({ exitCode: 255, output: err.message }));
      if (this.stopped) return;
      this.failures = Date.now() - started > 30_000 ? 1 : this.failures + 1;
      const delay = backoffDelay(this.failures, 1000, 30_000, Math.random);
      this.sink({
        type: 'source',
        id,
        state: 'reconnecting',
        at: Date.now(),
        reason: sanitize(
          `exit ${result.exitCode}: ${result.output.split('\n').filter(Boolean).slice(-1)[0] ?? ''}`,
        ).slice(0, 200),
        nextTryAt: Date.now() + delay,
      });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** `journalctl -f -o json` for a unit, resuming after the last cursor seen. */
export function journaldArgv(unit: string) {
  return (cursor: string | undefined) => [
    'journalctl',
    '-f',
    '-o',
    'json',
    '-u',
    unit,
    ...(cursor ? ['--after-cursor', cursor] : ['-n', '100']),
  ];
}

export function journaldCursor(line: string): string | undefined {
  return /"__CURSOR"\s*:\s*"([^"]+)"/.exec(line)?.[1];
}
