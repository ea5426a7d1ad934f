import type { EventSink, SourceState } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';

/** Reports a reconnect loop's states as `source` events for `id`, reasons sanitized and bounded. */
export function reportLinkState(
  sink: EventSink,
  id: string,
): (state: SourceState, detail: { reason?: string; nextTryAt?: number }) => void {
  return (state, { reason, nextTryAt }) =>
    sink({
      type: 'source',
      id,
      state,
      at: Date.now(),
      ...(reason && { reason: sanitize(reason).slice(0, 200) }),
      ...(nextTryAt && { nextTryAt }),
    });
}
