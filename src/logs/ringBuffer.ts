/**
 * A fixed-capacity FIFO that overwrites its oldest entry. Log lines live here, outside React and
 * outside the store, so memory stays bounded however fast a source writes.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;
  /** Entries overwritten since creation: shown to the operator as "dropped". */
  evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError('capacity must be a positive integer');
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) {
      this.count++;
    } else {
      this.start = (this.start + 1) % this.capacity;
      this.evicted++;
    }
  }

  /** The entry at `index`, 0 being the oldest kept. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  /** Up to `n` entries ending `offsetFromEnd` entries before the newest, oldest first. */
  tail(n: number, offsetFromEnd = 0): T[] {
    const end = Math.max(0, this.count - offsetFromEnd);
    const from = Math.max(0, end - n);
    const out: T[] = [];
    for (let i = from; i < end; i++) out.push(this.at(i) as T);
    return out;
  }

  toArray(): T[] {
    return this.tail(this.count);
  }
}
