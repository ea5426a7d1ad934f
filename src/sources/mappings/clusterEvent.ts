import type { SourceEvent } from '../../model/sourceEvents';
import { sanitize } from '../../text/sanitize';
import { timeOf } from './kubernetesTime';

/** A core/v1 Event: the fields the console reads. */
export interface EventLike {
  metadata?: { uid?: string; namespace?: string; creationTimestamp?: string | Date };
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  count?: number;
  type?: string;
  lastTimestamp?: string | Date;
  eventTime?: string | Date;
}

/** An event as the ingest takes it, its words sanitized (they come from anything that runs a pod). */
export function clusterEvent(ev: EventLike): Extract<SourceEvent, { type: 'cluster-event' }> | undefined {
  if (!ev.reason) return undefined;
  const at = timeOf(ev.lastTimestamp) || timeOf(ev.eventTime) || Date.now();
  return {
    type: 'cluster-event',
    at: Number.isNaN(at) ? Date.now() : at,
    uid: sanitize(ev.metadata?.uid ?? ''),
    namespace: sanitize(ev.involvedObject?.namespace ?? ev.metadata?.namespace ?? 'default'),
    object: sanitize(`${ev.involvedObject?.kind ?? 'Object'}/${ev.involvedObject?.name ?? '?'}`),
    reason: sanitize(ev.reason),
    message: sanitize(ev.message ?? '').slice(0, 500),
    count: ev.count ?? 1,
    warning: ev.type === 'Warning',
  };
}
