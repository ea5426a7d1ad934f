import { type LogFilter, matchesFilter } from './logFilter';
import type { LogRecord } from './logRecord';

/**
 * The lines to show: the newest (or those ending at the paused anchor) that pass the filter,
 * scanning back through the ring buffer at most once.
 */
export function visibleLogLines(
  all: { at(i: number): LogRecord | undefined; size: number },
  rows: number,
  anchor?: number,
  filter?: LogFilter,
): LogRecord[] {
  const first = all.at(0);
  if (!first || rows <= 0) return [];
  const end = anchor === undefined ? all.size : Math.min(all.size, Math.max(0, anchor - first.seq + 1));
  const out: LogRecord[] = [];
  // The paused bottom line has been evicted: the oldest lines still held are the nearest to it.
  if (end === 0) {
    for (let i = 0; i < all.size && out.length < rows; i++) {
      const r = all.at(i) as LogRecord;
      if (!filter || matchesFilter(r, filter)) out.push(r);
    }
    return out;
  }
  for (let i = end - 1; i >= 0 && out.length < rows; i--) {
    const r = all.at(i) as LogRecord;
    if (!filter || matchesFilter(r, filter)) out.push(r);
  }
  return out.reverse();
}
