import type { LogRecord } from '../logs/logRecord';
import { ReorderBuffer } from '../logs/reorderBuffer';

/**
 * How long `logs --follow` holds a line to merge the inputs by time: long enough for every
 * container's backlog to arrive (they come one stream each, at once), short enough to feel live.
 */
export const FOLLOW_MERGE_WINDOW_MS = 1000;

/**
 * Lines of several inputs printed in time order: each is held up to the window after it arrived,
 * then released with the others due, sorted by their time. Without it the backlog came container
 * by container, so `| head` showed one container's oldest lines.
 */
export class TimeMerge {
  private readonly buffer: ReorderBuffer;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    windowMs: number,
    private readonly print: (r: LogRecord) => void,
    private readonly flush: () => void,
  ) {
    this.buffer = new ReorderBuffer(windowMs);
    this.timer = setInterval(() => this.release(Date.now()), Math.max(10, windowMs / 5));
    this.timer.unref();
  }

  add(record: LogRecord): void {
    this.buffer.add(record, Date.now());
  }

  /** Prints what is due at `now` (everything with Infinity). */
  release(now: number): void {
    const due = this.buffer.release(now);
    for (const r of due) this.print(r);
    if (due.length > 0) this.flush();
  }

  /** Prints what is still held and stops the clock. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.release(Number.POSITIVE_INFINITY);
  }
}
