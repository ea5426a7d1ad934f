import type { IncidentState } from '../incident/incidentState';
import { eventTime } from '../model/journalRecord';
import { sanitize } from '../text/sanitize';

export interface Impact {
  peakErrorRatio: number | null;
  timeAboveThresholdMs: number;
  servicesAffected: string[];
}

const CRITICAL_RULE = 'error-ratio-critical';
/** Alerts of these severities are not the critical line. */
const MILD_SEVERITIES = new Set(['warning', 'info', 'none']);

/** The service an alert is about, from its labels. */
export function alertService(labels: Record<string, string>): string | undefined {
  return labels.service ?? labels.app ?? labels.job;
}

/** Total length of the union of intervals: two services above the line at once count once. */
function unionLength(intervals: [number, number][]): number {
  let total = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(from, until);
    if (to > start) total += to - start;
    until = Math.max(until, to);
  }
  return total;
}

/**
 * Time above the critical line: per service, from the critical rule's breach start (its firing less
 * its hold time) to its clearing; a service with no such record (an incident declared from an alert)
 * counts from its linked alert's startsAt to its resolving. Still open at the end: until resolution.
 */
function timeAboveCriticalLine(s: IncidentState, end: number): number {
  const intervals: [number, number][] = [];
  const openSince = new Map<string, number>();
  const ruled = new Set<string>();
  const alertStart = (service: string) =>
    Math.min(
      ...Object.values(s.linkedAlerts)
        .filter((a) => alertService(a.labels) === service)
        .map((a) => a.startsAt),
    );
  for (const r of [...s.records].sort((a, b) => eventTime(a) - eventTime(b))) {
    if ((r.kind !== 'rule.fired' && r.kind !== 'rule.cleared') || r.payload.rule !== CRITICAL_RULE) continue;
    const service = r.payload.service;
    ruled.add(service);
    if (r.kind === 'rule.fired') {
      if (!openSince.has(service)) openSince.set(service, eventTime(r) - (r.payload.forMs ?? 0));
      continue;
    }
    // Cleared without a firing in the journal: it fired before; its alert says since when.
    const since = openSince.get(service) ?? alertStart(service);
    if (Number.isFinite(since)) intervals.push([since, eventTime(r)]);
    openSince.delete(service);
  }
  for (const since of openSince.values()) intervals.push([since, end]);
  for (const a of Object.values(s.linkedAlerts)) {
    const service = alertService(a.labels);
    if (service !== undefined && ruled.has(service)) continue;
    if (MILD_SEVERITIES.has(a.labels.severity ?? '')) continue;
    intervals.push([a.startsAt, a.resolvedAt ?? end]);
  }
  return unionLength(intervals.filter(([from, to]) => Number.isFinite(from) && to > from));
}

/**
 * The incident's impact from every signal it recorded: the peak 5xx ratio (rules and metrics
 * snapshots), the time above the critical line, and the services affected: those whose rules fired,
 * those its alerts are about, and those the data named (failing templates, the origin of failures).
 */
export function impactOf(s: IncidentState): Impact {
  let peak: number | undefined;
  const services = new Set<string>();
  const seen = (v: number | null | undefined) => {
    if (typeof v === 'number' && !Number.isNaN(v)) peak = Math.max(peak ?? 0, v);
  };
  for (const r of s.records) {
    if (r.kind === 'metrics.snapshot') for (const v of Object.values(r.payload.services)) seen(v.ratio1m);
    if (r.kind === 'rule.fired' || r.kind === 'rule.cleared') {
      services.add(r.payload.service);
      seen(r.payload.value);
    }
    if (r.kind === 'alert.firing') {
      const service = alertService(r.payload.labels);
      if (service) services.add(service);
    }
    if (r.kind === 'diagnosis') {
      const d = r.payload;
      for (const p of d.patterns) services.add(p.service);
      if (d.origin) services.add(d.origin.service);
    }
  }
  for (const a of Object.values(s.linkedAlerts)) {
    const service = alertService(a.labels);
    if (service) services.add(service);
  }
  const end = s.resolvedAt ?? Date.parse(s.records.at(-1)?.ts ?? '');
  return {
    peakErrorRatio: peak ?? null,
    timeAboveThresholdMs: Number.isNaN(end) ? 0 : timeAboveCriticalLine(s, end),
    servicesAffected: [...services].map((x) => sanitize(x)).sort(),
  };
}
