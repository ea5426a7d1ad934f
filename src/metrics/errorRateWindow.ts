/**
 * Request and error counts over sliding windows, from cumulative counters sampled over time.
 *
 * Counters restart at zero when a process restarts (a deploy, a crash); a decrease is read as a reset
 * and the running totals carry on from where they were, as Prometheus's rate() does.
 */
export interface CounterSample {
  at: number;
  total: number;
  errors: number;
}

export interface WindowRate {
  /** Requests in the window; 0 when there was no traffic. */
  requests: number;
  errors: number;
  /** errors / requests, or undefined when there were no requests or not enough samples. */
  ratio: number | undefined;
}

export class ErrorRateWindow {
  private readonly points: CounterSample[] = [];
  private lastRaw: { total: number; errors: number } | undefined;
  private offset = { total: 0, errors: 0 };

  constructor(private readonly retainMs = 31 * 60_000) {}

  /** Adds a cumulative reading taken at `at` (ms). Readings must arrive in time order. */
  add(at: number, total: number, errors: number): void {
    if (this.lastRaw && (total < this.lastRaw.total || errors < this.lastRaw.errors)) {
      this.offset = {
        total: this.offset.total + this.lastRaw.total,
        errors: this.offset.errors + this.lastRaw.errors,
      };
    }
    this.lastRaw = { total, errors };
    this.points.push({ at, total: total + this.offset.total, errors: errors + this.offset.errors });
    this.prune(at);
  }

  private prune(latest: number): void {
    const horizon = latest - this.retainMs;
    let drop = 0;
    while (drop < this.points.length - 1 && (this.points[drop + 1] as CounterSample).at <= horizon) drop++;
    if (drop > 0) this.points.splice(0, drop);
  }

  /**
   * Adds counts that were not in the readings: lines read back from before the console opened,
   * which may arrive after later readings were taken. `buckets` are the requests and errors of
   * slices of `widthMs` ending at `at`. Every reading from a bucket's end on carries its counts, and
   * the bucket's start and end become readings, so `between` finds them where they happened.
   */
  insert(buckets: readonly { at: number; requests: number; errors: number }[], widthMs: number): void {
    if (buckets.length === 0) return;
    const sorted = [...buckets].sort((x, y) => x.at - y.at);
    const times = new Set(this.points.map((p) => p.at));
    for (const b of sorted) times.add(b.at - widthMs).add(b.at);
    const merged: CounterSample[] = [];
    let i = 0;
    let j = 0;
    let added = { total: 0, errors: 0 };
    for (const at of [...times].sort((x, y) => x - y)) {
      while (i + 1 < this.points.length && (this.points[i + 1] as CounterSample).at <= at) i++;
      while (j < sorted.length && (sorted[j] as { at: number }).at <= at) {
        const b = sorted[j++] as { requests: number; errors: number };
        added = { total: added.total + b.requests, errors: added.errors + b.errors };
      }
      // Before the first reading nothing was counted: its totals are the base.
      const base = this.points[i] ?? { total: 0, errors: 0 };
      merged.push({ at, total: base.total + added.total, errors: base.errors + added.errors });
    }
    this.points.splice(0, this.points.length, ...merged);
    // Readings still to come carry the added counts too.
    this.offset = { total: this.offset.total + added.total, errors: this.offset.errors + added.errors };
    this.prune((merged.at(-1) as CounterSample).at);
  }

  /** The times of the readings held, oldest first. */
  times(): number[] {
    return this.points.map((p) => p.at);
  }

  get latestAt(): number | undefined {
    return this.points.at(-1)?.at;
  }

  /** Counts between `from` and `to`, using the last sample at or before each end. */
  between(from: number, to: number): WindowRate {
    const end = this.sampleAtOrBefore(to);
    const start = this.sampleAtOrBefore(from) ?? this.points[0];
    if (!end || !start || end.at <= start.at) return { requests: 0, errors: 0, ratio: undefined };
    const requests = end.total - start.total;
    const errors = end.errors - start.errors;
    return { requests, errors, ratio: requests > 0 ? errors / requests : undefined };
  }

  /** The rate over the `windowMs` ending at the newest sample. */
  over(windowMs: number): WindowRate {
    const to = this.latestAt;
    if (to === undefined) return { requests: 0, errors: 0, ratio: undefined };
    return this.between(to - windowMs, to);
  }

  /** Ratios for `buckets` equal slices of the `spanMs` ending at `now`; undefined where unknown. */
  series(now: number, spanMs: number, buckets: number): (number | undefined)[] {
    const width = spanMs / buckets;
    const out: (number | undefined)[] = [];
    for (let i = 0; i < buckets; i++) {
      const from = now - spanMs + i * width;
      const first = this.points[0];
      out.push(first && from + width > first.at ? this.between(from, from + width).ratio : undefined);
    }
    return out;
  }

  private sampleAtOrBefore(t: number): CounterSample | undefined {
    let lo = 0;
    let hi = this.points.length - 1;
    let found: CounterSample | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.points[mid] as CounterSample;
      if (p.at <= t) {
        found = p;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
