import type { IncidentState } from '../incident/incidentState';
import { eventTime, recordsOf } from '../model/journalRecord';
import { sanitize } from '../text/sanitize';

const clean = (v: unknown) => sanitize(String(v ?? ''));

/** A request's lines across the services, each with its delay after the first. */
export interface RequestTrail {
  requestId: string;
  reason: string;
  lines: { at: string; delayMs: number; source: string; text: string }[];
  more: number;
}

/** The minute-by-minute 5xx ratio of every service, from the snapshots taken while the incident was open. */
export interface RatesByMinute {
  services: string[];
  rows: { minute: string; ratios: (number | null)[] }[];
  /** Minutes left out, far from every key time. */
  omitted: number;
}

/** The trails recorded on the journal (the last one per request, as more lines may have come). */
export function requestTrails(s: IncidentState): RequestTrail[] {
  const byRequest = new Map<string, RequestTrail>();
  for (const r of recordsOf(s.records, 'log.trail')) {
    const first = r.payload.lines[0]?.at ?? 0;
    byRequest.set(r.payload.requestId, {
      requestId: clean(r.payload.requestId),
      reason: clean(r.payload.reason),
      lines: r.payload.lines.map((l) => ({
        at: new Date(l.at).toISOString(),
        delayMs: Math.max(0, l.at - first),
        source: clean(l.source),
        text: clean(l.text),
      })),
      more: r.payload.more ?? 0,
    });
  }
  return [...byRequest.values()];
}

/** Most rows the table keeps: past it, only the minutes within five of a key time. */
const MAX_ROWS = 30;
const NEAR_MS = 5 * 60_000;

export function ratesByMinute(s: IncidentState, keyTimes: number[]): RatesByMinute {
  const snapshots = recordsOf(s.records, 'metrics.snapshot');
  const services = [...new Set(snapshots.flatMap((r) => Object.keys(r.payload.services)))].sort();
  const byMinute = new Map<number, (typeof snapshots)[number]>();
  for (const r of snapshots) byMinute.set(Math.floor(eventTime(r) / 60_000), r);
  let minutes = [...byMinute.keys()].sort((a, b) => a - b);
  const all = minutes.length;
  if (all > MAX_ROWS)
    minutes = minutes.filter((m) => keyTimes.some((t) => Math.abs(m * 60_000 - t) <= NEAR_MS));
  return {
    services: services.map(clean),
    rows: minutes.map((m) => {
      const r = byMinute.get(m);
      return {
        minute: new Date(m * 60_000).toISOString().slice(0, 16).replace('T', ' '),
        ratios: services.map((svc) => r?.payload.services[svc]?.ratio1m ?? null),
      };
    }),
    omitted: all - minutes.length,
  };
}
