import type { NotableEvent } from '../model/notableEvent';
import type { SourceState } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';

interface Burst {
  /** When the last event for this link was let through. */
  recordedAt: number;
  /** Changes since then folded into a count, the first of them at `since`, the latest state. */
  suppressed: number;
  since: number;
  state: SourceState;
  reason?: string;
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

/** A link's event; a summary says how many changes it folds and since when. */
function linkEvent(
  id: string,
  state: SourceState,
  at: number,
  reason: string | undefined,
  folded?: { count: number; since: number },
): NotableEvent {
  const more = folded
    ? `, ${folded.count} more change${folded.count === 1 ? '' : 's'} since ${clock(folded.since)}`
    : '';
  return {
    at,
    kind: 'source',
    severity: state === 'connected' ? 'info' : 'warning',
    text: `${id}: ${state}${more}${reason ? ` (${sanitize(reason)})` : ''}`,
    data: { source: id, state, ...(reason && { reason: sanitize(reason) }), ...folded },
  };
}

/**
 * Turns a link's state changes into notable events without flooding the header, the event list and
 * the journal: the first change of a burst goes through at once, further changes of the same link
 * within `quietMs` are only counted, and one summary (how many, since when, the state now) follows
 * once that long has passed. A link that flaps for an hour is a few entries, not thousands.
 *
 * Not news at all: a link's first connection, and a link stopped on purpose or because what it
 * follows is not running (a container that exited is said by its own row and event).
 */
export class LinkEventCoalescer {
  private readonly bursts = new Map<string, Burst>();

  constructor(private readonly quietMs = 60_000) {}

  observe(
    id: string,
    previous: SourceState | undefined,
    state: SourceState,
    at: number,
    reason?: string,
  ): NotableEvent | undefined {
    if (previous === undefined || previous === state) return undefined;
    if (previous === 'connecting' && state === 'connected') return undefined;
    if (previous === 'stopped' || state === 'stopped') return undefined;
    const burst = this.bursts.get(id);
    if (burst && at - burst.recordedAt < this.quietMs) {
      if (burst.suppressed === 0) burst.since = at;
      burst.suppressed++;
      burst.state = state;
      if (reason) burst.reason = reason;
      else delete burst.reason;
      return undefined;
    }
    this.bursts.set(id, { recordedAt: at, suppressed: 0, since: at, state });
    return linkEvent(id, state, at, reason);
  }

  /** Summaries of the links whose folded changes are older than the quiet time. */
  flush(now: number): NotableEvent[] {
    const out: NotableEvent[] = [];
    for (const [id, b] of this.bursts) {
      if (now - b.recordedAt < this.quietMs) continue;
      if (b.suppressed === 0) {
        this.bursts.delete(id);
        continue;
      }
      out.push(linkEvent(id, b.state, now, b.reason, { count: b.suppressed, since: b.since }));
      this.bursts.set(id, { recordedAt: now, suppressed: 0, since: now, state: b.state });
    }
    return out;
  }
}
