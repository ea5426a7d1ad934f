import type { EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { httpGet } from './httpGet';
import { Poller } from './poller';

export interface PrometheusOptions {
  service: string;
  url: string;
  metric?: string;
  /** Label selector of the service's series, e.g. {service="api"}. */
  selector?: string;
  errorRatioQuery?: string;
  p95Query?: string;
  headers?: Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  /** How much history to load at start, so the sparkline is not empty. */
  backfillMs?: number;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

const MAX_BODY = 8 * 1024 * 1024;

/** Adds a matcher to a label selector: {service="api"} + code=~"5.." → {service="api",code=~"5.."}. */
export function withMatcher(selector: string | undefined, matcher: string): string {
  const inner = (selector ?? '{}').trim().slice(1, -1).trim();
  return `{${inner ? `${inner},` : ''}${matcher}}`;
}

export function defaultQueries(metric: string, selector: string | undefined) {
  return {
    total: `sum(${metric}${selector ?? ''})`,
    errors: `sum(${metric}${withMatcher(selector, 'code=~"5.."')})`,
    p95: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${selector ?? ''}[5m])))`,
    /** The version labels of the service's `*_build_info` series (the usual way to expose a build). */
    buildInfo: `count by (version) (${withMatcher(selector, '__name__=~".+_build_info",version!=""')})`,
  };
}

/** A client for Prometheus's HTTP API with deadlines, a size cap and clear errors. */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    private readonly timeoutMs = 3000,
  ) {}

  /** The `data` of an API answer (`/api/v1/rules`, `/api/v1/alerts`, ...), after checking its status. */
  async data<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await httpGet(url.toString(), {
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_BODY,
      headers: this.headers,
    });
    let body: { status?: string; data?: unknown; error?: string };
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new Error(`Prometheus answered HTTP ${res.status} with something that is not JSON`);
    }
    if (res.status !== 200 || body.status !== 'success') {
      throw new Error(`Prometheus: ${sanitize(String(body.error ?? `HTTP ${res.status}`)).slice(0, 200)}`);
    }
    return body.data as T;
  }

  private async call<T>(path: string, params: Record<string, string>): Promise<T> {
    return (await this.data<{ result?: unknown } | undefined>(path, params))?.result as T;
  }

  /** The value of a query that yields one number (a sum, a ratio); undefined when it yields nothing. */
  async scalar(query: string, at?: number): Promise<number | undefined> {
    const result = await this.call<VectorSample[]>('api/v1/query', {
      query,
      ...(at !== undefined && { time: String(at / 1000) }),
    });
    const v = result?.[0]?.value?.[1];
    const n = v === undefined ? Number.NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Every series of an instant query, with its labels. */
  async vector(query: string, at?: number): Promise<VectorSample[]> {
    return (
      (await this.call<VectorSample[]>('api/v1/query', {
        query,
        ...(at !== undefined && { time: String(at / 1000) }),
      })) ?? []
    );
  }

  async range(query: string, startMs: number, endMs: number, stepMs: number): Promise<[number, number][]> {
    const result = await this.call<MatrixSeries[]>('api/v1/query_range', {
      query,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: `${Math.max(1, Math.round(stepMs / 1000))}s`,
    });
    return (result?.[0]?.values ?? [])
      .map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number])
      .filter(([, v]) => Number.isFinite(v));
  }
}

/** A reading every 15 s: the 1m ratio the rules judge has four readings in each minute it looks at. */
const BACKFILL_STEP_MS = 15_000;

/**
 * The counters and p95 of the last `backfillMs` as readings at their own times, oldest first, so the
 * windows, the rules' hold timers and the sparkline start from the past (see `ReadBack`).
 */
async function backfill(
  client: PrometheusClient,
  q: ReturnType<typeof defaultQueries>,
  options: PrometheusOptions,
  service: string,
  now: number,
  backfillMs: number,
  sink: EventSink,
): Promise<void> {
  const from = now - backfillMs;
  const to = now - BACKFILL_STEP_MS;
  const [totals, errors, p95s] = await Promise.all([
    client.range(q.total, from, to, BACKFILL_STEP_MS),
    client.range(q.errors, from, to, BACKFILL_STEP_MS),
    client.range(options.p95Query ?? q.p95, from, to, BACKFILL_STEP_MS).catch(() => []),
  ]);
  const errorsAt = new Map(errors);
  const p95At = new Map(p95s);
  for (const [at, total] of totals) {
    const p95 = p95At.get(at);
    sink({
      type: 'counters',
      service,
      at,
      total,
      errors: errorsAt.get(at) ?? 0,
      ...(p95 !== undefined && { p95Seconds: p95 }),
    });
  }
}

/**
 * Reads a service's request counters from Prometheus (so the console's windows and rules work the
 * same as for a scraped /metrics), loads the last half hour at start, and reads p95 and an optional
 * custom ratio query.
 */
export function prometheusSource(options: PrometheusOptions, sink: EventSink): Poller {
  const { service, intervalMs = 5000, backfillMs = 30 * 60_000 } = options;
  const client = new PrometheusClient(options.url, options.headers, options.timeoutMs ?? 3000);
  const q = defaultQueries(options.metric ?? 'http_requests_total', options.selector);
  let backfilled = false;
  return new Poller({
    intervalMs,
    task: async () => {
      const now = Date.now();
      if (!backfilled) {
        if (backfillMs > 0) await backfill(client, q, options, service, now, backfillMs, sink);
        backfilled = true;
      }
      const [total, errors, p95, ratio, builds] = await Promise.all([
        client.scalar(q.total, now),
        client.scalar(q.errors, now),
        client.scalar(options.p95Query ?? q.p95, now),
        options.errorRatioQuery ? client.scalar(options.errorRatioQuery, now) : Promise.resolve(undefined),
        client.vector(q.buildInfo, now).catch(() => []),
      ]);
      // One version across the service's instances; during a rollout (two versions) it waits.
      const versions = [...new Set(builds.map((b) => b.metric.version).filter((v): v is string => !!v))];
      if (versions.length === 1)
        sink({
          type: 'version',
          service,
          reporter: 'prometheus build_info',
          version: sanitize(versions[0] as string),
          at: now,
        });
      if (total === undefined) throw new Error(`no series for ${q.total}`);
      sink({
        type: 'counters',
        service,
        at: now,
        total,
        // No 5xx series at all means none were ever counted.
        errors: errors ?? 0,
        ...(p95 !== undefined && { p95Seconds: p95 }),
        ...(ratio !== undefined && { ratio1m: ratio }),
      });
    },
    onFailure: (error) =>
      sink({ type: 'counters-unknown', service, at: Date.now(), reason: sanitize((error as Error).message) }),
  });
}
