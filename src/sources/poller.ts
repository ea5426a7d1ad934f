import { backoffDelay } from '../transport/backoff';
/**
 * Runs an async task on an interval without ever overlapping two runs, backing off exponentially
 * (with jitter) after failures so a dead endpoint is not hammered.
 */
export interface PollerOptions {
  /** Between the end of one run and the start of the next; a function when the source sets its pace. */
  intervalMs: number | (() => number);
  maxBackoffMs?: number;
  task: () => Promise<void>;
  onFailure: (error: unknown, nextTryAt: number) => void;
  random?: () => number;
}

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const interval = this.options.intervalMs;
    const intervalMs = typeof interval === 'function' ? interval() : interval;
    let delay = intervalMs;
    try {
      await this.options.task();
      this.failures = 0;
      delay = typeof interval === 'function' ? interval() : interval;
    } catch (error) {
      this.failures++;
      const { maxBackoffMs = 30_000, random = Math.random } = this.options;
      delay = Math.max(intervalMs, backoffDelay(this.failures, intervalMs, maxBackoffMs, random));
      this.options.onFailure(error, Date.now() + delay);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.run(), delay);
  }
}
