import type { NotableEvent } from '../model/notableEvent';
import type { ContainerStatus } from '../model/sourceEvents';

interface Seen {
  status: ContainerStatus;
  /** When the last change was recorded. */
  recordedAt: number;
  /** Changes since then that were folded into a count instead of recorded. */
  suppressed: number;
}

function event(status: ContainerStatus, at: number, count: number): NotableEvent {
  const exit =
    status.exitCode !== undefined && status.state !== 'running' ? ` (exit ${status.exitCode})` : '';
  const times = count > 1 ? `, ${count} changes, restarts ${status.restarts}` : '';
  return {
    at,
    kind: 'container',
    severity: status.state === 'running' ? 'info' : 'warning',
    text: `${status.name} ${status.state}${exit}${times}`,
    data: {
      id: status.id,
      name: status.name,
      host: status.host,
      state: status.state,
      count,
      restarts: status.restarts,
      ...(status.exitCode !== undefined && { exitCode: status.exitCode }),
    },
  };
}

/**
 * Turns container state changes into timeline events without flooding it: the first change is
 * recorded, further changes within `quietMs` are only counted, and the count is recorded once the
 * container has been quiet that long. A crash loop is one event with a count, not a thousand.
 */
export class ContainerChangeDeduper {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly quietMs = 60_000) {}

  observe(status: ContainerStatus, at: number): NotableEvent | undefined {
    const prev = this.seen.get(status.id);
    if (!prev) {
      // First sighting is not a change.
      this.seen.set(status.id, { status, recordedAt: Number.NEGATIVE_INFINITY, suppressed: 0 });
      return undefined;
    }
    if (prev.status.state === status.state) {
      prev.status = status;
      return undefined;
    }
    if (at - prev.recordedAt < this.quietMs) {
      prev.status = status;
      prev.suppressed++;
      return undefined;
    }
    this.seen.set(status.id, { status, recordedAt: at, suppressed: 0 });
    return event(status, at, 1);
  }

  /** Summaries for containers whose suppressed changes have gone quiet. */
  flush(now: number): NotableEvent[] {
    const out: NotableEvent[] = [];
    for (const [id, s] of this.seen) {
      if (s.suppressed > 0 && now - s.recordedAt >= this.quietMs) {
        out.push(event(s.status, now, s.suppressed + 1));
        this.seen.set(id, { status: s.status, recordedAt: now, suppressed: 0 });
      }
    }
    return out;
  }
}
