import type { LogRecord } from './logRecord';

/**
 * Merges lines from several sources by their own timestamps within a bounded window: each line is
 * held at most `windowMs` after it arrived, and what is released together is put in time order.
 * A line later than the window (a source far behind) is shown when it comes, not lost.
 */
export class ReorderBuffer {
  private pending: { record: LogRecord; arrived: number; order: number }[] = [];
  private order = 0;

  constructor(readonly windowMs: number) {}

  add(record: LogRecord, arrived: number): void {
    this.pending.push({ record, arrived, order: this.order++ });
  }

  /** The source's latest record still held, which a continuation line may yet join. */
  lastPendingOf(source: string): LogRecord | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i] as (typeof this.pending)[number];
      if (p.record.source === source) return p.record;
    }
    return undefined;
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * The lines whose wait is over at `now`, with every held line no later than the latest of them,
   * in event-time order (arrival order among equals). A line that came a few milliseconds after
   * another stream's but happened before it goes out with it: held to its own deadline it could
   * only be shown after a later line.
   */
  release(now: number): LogRecord[] {
    if (this.pending.length === 0) return [];
    let latestDue = Number.NEGATIVE_INFINITY;
    for (const p of this.pending)
      if (p.arrived + this.windowMs <= now) latestDue = Math.max(latestDue, p.record.time);
    if (latestDue === Number.NEGATIVE_INFINITY) return [];
    const goes = (p: (typeof this.pending)[number]) =>
      p.arrived + this.windowMs <= now || p.record.time <= latestDue;
    const released = this.pending.filter(goes);
    this.pending = this.pending.filter((p) => !goes(p));
    return released.sort((a, b) => a.record.time - b.record.time || a.order - b.order).map((p) => p.record);
  }
}
