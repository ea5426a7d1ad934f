import { type LogRecord, requestOutcome } from './logRecord';

/** Where one failing request's errors were seen: each service once, in the order it first failed. */
interface FailedRequest {
  services: { service: string; at: number }[];
}

/** How often a service was the first to fail a request that failed on several. */
export interface OriginCount {
  service: string;
  /** Requests failing on several services where this one failed first. */
  origin: number;
  /** Requests failing on several services where this one failed after another. */
  downstream: number;
  /** The service this one most often failed after, when it is mostly downstream. */
  after?: string;
}

/**
 * Which service failed first, per request id: when a request fails on several services (gateway's
 * 502 on the same id as api's 500), the first to log an error for it is the origin and the others
 * are downstream. Bounded: the oldest request ids are forgotten past `capacity`.
 */
export class RequestOrigins {
  private readonly requests = new Map<string, FailedRequest>();

  constructor(private readonly capacity = 20_000) {}

  add(r: LogRecord): void {
    if (!r.requestId || requestOutcome(r) !== 'error') return;
    let req = this.requests.get(r.requestId);
    if (!req) {
      req = { services: [] };
      this.requests.set(r.requestId, req);
      if (this.requests.size > this.capacity) {
        const oldest = this.requests.keys().next().value as string;
        this.requests.delete(oldest);
      }
    }
    const seen = req.services.find((s) => s.service === r.source);
    if (seen) {
      // Lines arrive merged by time, but a late line can still come first in time.
      if (r.time < seen.at) seen.at = r.time;
    } else req.services.push({ service: r.source, at: r.time });
  }

  /** Services by how often they were the origin, counting requests that failed on two or more, since `since`. */
  counts(since = 0): OriginCount[] {
    const by = new Map<string, OriginCount & { afterCounts: Map<string, number> }>();
    const entry = (service: string) => {
      let c = by.get(service);
      if (!c) {
        c = { service, origin: 0, downstream: 0, afterCounts: new Map() };
        by.set(service, c);
      }
      return c;
    };
    for (const req of this.requests.values()) {
      if (req.services.length < 2) continue;
      const ordered = [...req.services].sort((a, b) => a.at - b.at);
      const first = ordered[0] as { service: string; at: number };
      if (first.at < since) continue;
      entry(first.service).origin++;
      for (const s of ordered.slice(1)) {
        const c = entry(s.service);
        c.downstream++;
        c.afterCounts.set(first.service, (c.afterCounts.get(first.service) ?? 0) + 1);
      }
    }
    return [...by.values()]
      .map(({ afterCounts, ...c }) => {
        const after = [...afterCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
        return c.downstream > c.origin && after ? { ...c, after } : c;
      })
      .sort(
        (a, b) => b.origin - a.origin || a.downstream - b.downstream || a.service.localeCompare(b.service),
      );
  }
}

/** Where a service stands in the failures: where they start, or downstream of which service. */
export type FailureRole = { role: 'origin' } | { role: 'downstream'; of: string } | undefined;

/**
 * Fewer failing requests than this name no origin: in a fleet's first seconds one stray failure
 * would be "100% of 1 failing request", a certainty the data does not have.
 */
export const ORIGIN_MIN_REQUESTS = 5;

/** The service most often first to fail requests that failed on several, once enough did. */
export function originService(counts: readonly OriginCount[]): string | undefined {
  const top = counts[0];
  const total = counts.reduce((n, c) => n + c.origin, 0);
  return top && top.origin > 0 && total >= ORIGIN_MIN_REQUESTS ? top.service : undefined;
}

export function failureRole(counts: readonly OriginCount[], service: string): FailureRole {
  if (originService(counts) === service) return { role: 'origin' };
  const c = counts.find((x) => x.service === service);
  return c?.after ? { role: 'downstream', of: c.after } : undefined;
}

/** The origin's share of the requests that failed on several services (0..1). */
export function originShare(counts: readonly OriginCount[]): number {
  const top = counts[0];
  const total = counts.reduce((n, c) => n + c.origin, 0);
  return top && total > 0 ? top.origin / total : 0;
}
