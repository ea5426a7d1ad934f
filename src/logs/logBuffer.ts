import type { LogRecord } from './logRecord';
import { RingBuffer } from './ringBuffer';

export const DEFAULT_LOG_CAPACITY = 5000;

/** The console's log lines: one bounded ring, plus per-source counts of what was received and evicted. */
export class LogBuffer {
  readonly ring: RingBuffer<LogRecord>;
  readonly receivedBySource = new Map<string, number>();
  readonly evictedBySource = new Map<string, number>();
  private nextSeq = 1;

  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.ring = new RingBuffer(capacity);
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  push(record: LogRecord): void {
    const oldest = this.ring.size === this.ring.capacity ? this.ring.at(0) : undefined;
    if (oldest) this.evictedBySource.set(oldest.source, (this.evictedBySource.get(oldest.source) ?? 0) + 1);
    this.ring.push(record);
    this.receivedBySource.set(record.source, (this.receivedBySource.get(record.source) ?? 0) + 1);
  }
}
