import type { NotableEvent } from '../model/notableEvent';
import type { SourceEvent } from '../model/sourceEvents';

type ClusterEvent = Extract<SourceEvent, { type: 'cluster-event' }>;

/** Reasons that mean a workload is in trouble (kubelet's and the scheduler's words). */
const NOTABLE =
  /^(BackOff|OOMKill(ing|ed)|FailedScheduling|Unhealthy|Failed|ErrImagePull|ImagePullBackOff|FailedMount|Evicted|FailedCreate)$/;

/**
 * Which Kubernetes events reach the timeline: the notable reasons, each once per object and reason
 * while it repeats (the API counts repeats on one event; a crash loop is one entry, then every tenth).
 */
export class ClusterEventFilter {
  private readonly seen = new Map<string, number>();

  observe(e: ClusterEvent): NotableEvent | undefined {
    if (!NOTABLE.test(e.reason)) return undefined;
    const key = `${e.namespace}/${e.object}/${e.reason}`;
    const last = this.seen.get(key);
    if (last !== undefined && Math.floor(e.count / 10) === Math.floor(last / 10)) return undefined;
    this.seen.set(key, e.count);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value as string);
    return {
      at: e.at,
      kind: 'cluster-event',
      severity: /OOM|Failed|ErrImage|ImagePull|Evicted/.test(e.reason) ? 'critical' : 'warning',
      text: `${e.namespace}/${e.object}: ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''} — ${e.message}`,
      data: {
        namespace: e.namespace,
        object: e.object,
        reason: e.reason,
        message: e.message,
        count: e.count,
      },
    };
  }
}
