import type { FieldNames, SourceEvent } from '../model/sourceEvents';

/**
 * How much of what a source logged before the console opened it reads back at start: lines no
 * older than `windowMs`, at most `maxLines` of them (the newest). The console counts them in its
 * error windows at their own time, so rules and sparklines start from the past, not from zero.
 */
export interface ReadBack {
  windowMs: number;
  maxLines: number;
}

export const DEFAULT_READ_BACK: ReadBack = { windowMs: 30 * 60_000, maxLines: 20_000 };

/**
 * The `log-lines` events for lines with the runtime's time of each: those from before
 * `readBackBefore` (when the source first connected) are marked read back, the rest are live.
 */
export function timedLineEvents(
  source: string,
  lines: readonly { body: string; at: number }[],
  readBackBefore: number,
  fields?: Partial<FieldNames>,
): Extract<SourceEvent, { type: 'log-lines' }>[] {
  const events: Extract<SourceEvent, { type: 'log-lines' }>[] = [];
  const receivedAt = Date.now();
  for (const line of lines) {
    const readBack = line.at < readBackBefore;
    let last = events.at(-1);
    if (!last || (last.readBack ?? false) !== readBack) {
      last = {
        type: 'log-lines',
        source,
        lines: [],
        times: [],
        receivedAt,
        ...(readBack && { readBack }),
        ...(fields && { fields }),
      };
      events.push(last);
    }
    last.lines.push(line.body);
    last.times?.push(line.at);
  }
  return events;
}

/** Query parameters for a first connection: the read-back window, or the last 200 lines without one. */
export function firstConnection(readBack: ReadBack | undefined, now: number) {
  return readBack
    ? { sinceMs: now - readBack.windowMs, tailLines: readBack.maxLines }
    : { sinceMs: undefined, tailLines: 200 };
}
