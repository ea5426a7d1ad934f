import type { DetailEvent } from '../../model/podDetail';
import { sanitize } from '../../text/sanitize';
import type { EventLike } from './clusterEvent';
import { timeOf } from './kubernetesTime';

/** How many of an object's events the describe view keeps: the newest, as `kubectl describe` lists them. */
export const DETAIL_EVENTS = 20;

/**
 * The events about one object, oldest first as kubectl lists them, the newest `DETAIL_EVENTS`: each
 * at its last time (an aggregated event's `lastTimestamp`, else its `eventTime`, else its creation).
 */
export function detailEvents(events: readonly EventLike[]): DetailEvent[] {
  return events
    .flatMap((ev) => {
      if (!ev.reason) return [];
      const at = [ev.lastTimestamp, ev.eventTime, ev.metadata?.creationTimestamp]
        .map(timeOf)
        .find((t) => !Number.isNaN(t));
      return [
        {
          at: at ?? 0,
          warning: ev.type === 'Warning',
          reason: sanitize(ev.reason),
          message: sanitize(ev.message ?? '').slice(0, 500),
          count: ev.count ?? 1,
        },
      ];
    })
    .sort((a, b) => a.at - b.at)
    .slice(-DETAIL_EVENTS);
}
