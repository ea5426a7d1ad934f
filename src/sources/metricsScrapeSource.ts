import { histogramQuantile, parsePromText, requestCounters } from '../metrics/promText';
import type { EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { httpGet } from './httpGet';
import { Poller } from './poller';

export interface MetricsScrapeOptions {
  service: string;
  url: string;
  metric?: string;
  intervalMs?: number;
  timeoutMs?: number;
}

const MAX_BODY = 4 * 1024 * 1024;

/** Scrapes a Prometheus-format /metrics endpoint directly and emits cumulative request counters. */
export function metricsScrapeSource(options: MetricsScrapeOptions, sink: EventSink): Poller {
  const { service, url, metric = 'http_requests_total', intervalMs = 1000, timeoutMs = 2000 } = options;
  return new Poller({
    intervalMs,
    task: async () => {
      const res = await httpGet(url, { timeoutMs, maxBytes: MAX_BODY });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const samples = parsePromText(res.body);
      const { total, errors } = requestCounters(samples, metric);
      const buckets = samples
        .filter((s) => s.name === 'http_request_duration_seconds_bucket')
        .map((s) => ({
          le: Number(s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : s.labels.le),
          count: s.value,
        }));
      const p95 = histogramQuantile(0.95, buckets);
      sink({
        type: 'counters',
        service,
        at: Date.now(),
        total,
        errors,
        ...(p95 !== undefined && { p95Seconds: p95 }),
      });
    },
    onFailure: (error) => {
      sink({
        type: 'counters-unknown',
        service,
        at: Date.now(),
        reason: sanitize(String((error as Error).message)),
      });
    },
  });
}
