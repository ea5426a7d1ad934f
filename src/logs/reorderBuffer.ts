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

  get size(): number {
    return this.pending.length;
  }

  /** The lines whose wait is over at `now`, in event-time order (arrival order among equals). */
  release(now: number): LogRecord[] {
    if (this.pending.length === 0) return [];
    const due = this.pending.filter((p) => p.arrived + this.windowMs <= now);
    if (due.length === 0) return [];
    this.pending = this.pending.filter((p) => p.arrived + this.windowMs > now);
    return due.sort((a, b) => a.record.time - b.record.time || a.order - b.order).map((p) => p.record);
  }
}
