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

/**
 * Counts a source's read-back lines and, once they reach the cap, says so with one marker line: the
 * window held more than was read, so its oldest part is missing from the rates and the panes.
 */
export class ReadBackCap {
  private count = 0;
  private oldest = Number.POSITIVE_INFINITY;
  private said = false;

  constructor(
    private readonly source: string,
    private readonly cap: number | undefined,
  ) {}

  /** The marker to send after these events, the first time the read-back reaches the cap. */
  after(events: readonly Extract<SourceEvent, { type: 'log-lines' }>[]) {
    if (this.said || this.cap === undefined) return undefined;
    for (const e of events) {
      if (!e.readBack) continue;
      this.count += e.lines.length;
      for (const t of e.times ?? []) if (t < this.oldest) this.oldest = t;
    }
    if (this.count < this.cap) return undefined;
    this.said = true;
    return {
      type: 'log-lines' as const,
      source: this.source,
      lines: [readBackCapMarker(this.source, this.cap, this.oldest)],
      receivedAt: Date.now(),
    };
  }
}

/** The marker line a read-back cut short by its cap ends with: what was read, and from when. */
export function readBackCapMarker(source: string, cap: number, oldest: number | undefined): string {
  const from =
    oldest !== undefined && Number.isFinite(oldest)
      ? `${new Date(oldest).toISOString().slice(11, 19)}Z`
      : 'its oldest line read';
  return `── ${source}: read back the newest ${cap} lines (history.maxLines); what it logged in the window before ${from} was not read ──`;
}
