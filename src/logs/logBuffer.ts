import type { LogRecord } from './logRecord';
import { PatternIndex } from './patterns/patternIndex';
import { RequestOrigins } from './requestOrigins';
import { RingBuffer } from './ringBuffer';

export const DEFAULT_LOG_CAPACITY = 5000;

/**
 * The console's log lines: one bounded ring, plus per-source counts of what was received and evicted,
 * and what every line tells beyond itself: its template, and which service failed a request first.
 */
export class LogBuffer {
  readonly ring: RingBuffer<LogRecord>;
  readonly patterns = new PatternIndex({ maxPerSource: 1000 });
  readonly origins = new RequestOrigins();
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
    record.pattern = this.patterns.add(record).key;
    this.origins.add(record);
    this.ring.push(record);
    this.receivedBySource.set(record.source, (this.receivedBySource.get(record.source) ?? 0) + 1);
  }
}
