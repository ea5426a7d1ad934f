import type { EventSink } from '../model/sourceEvents';
import { valueAtDottedPath } from '../text/dottedPath';
import { sanitize } from '../text/sanitize';
import { httpGet } from './httpGet';
import { Poller } from './poller';

export interface HealthCheckOptions {
  service: string;
  url: string;
  /** Dotted paths into a JSON body. */
  fields?: { status?: string; errorRate?: string; version?: string };
  healthyValues?: string[];
  intervalMs?: number;
  timeoutMs?: number;
}

const DEFAULT_FIELDS = { status: 'status', errorRate: 'errorRate', version: 'version' };
const DEFAULT_HEALTHY = ['ok', 'healthy', 'up', 'pass', 'green'];

export interface HealthReading {
  ok: boolean;
  detail?: string;
  version?: string;
  errorRate?: number;
}

/**
 * Judges one health response: a non-2xx status is down; a JSON body may also say so through its
 * status field, and carry an error rate (0-1, or a percentage above 1) and a version. A body that is
 * not JSON leaves the verdict to the HTTP status.
 */
export function readHealth(
  httpStatus: number,
  body: string,
  fields = DEFAULT_FIELDS,
  healthyValues = DEFAULT_HEALTHY,
): HealthReading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const pick = (path: string | undefined) => (path ? valueAtDottedPath(json, path) : undefined);
  const status = pick(fields.status);
  const rate = pick(fields.errorRate);
  const version = pick(fields.version);
  const statusText =
    typeof status === 'string'
      ? status.toLowerCase()
      : typeof status === 'boolean'
        ? String(status)
        : undefined;
  const bodySaysDown =
    statusText !== undefined && !healthyValues.includes(statusText) && statusText !== 'true';
  const ok = httpStatus >= 200 && httpStatus < 300 && !bodySaysDown;
  const errorRate =
    typeof rate === 'number' && Number.isFinite(rate) && rate >= 0
      ? rate > 1
        ? rate / 100
        : rate
      : undefined;
  return {
    ok,
    ...(!ok && {
      detail: [
        httpStatus < 200 || httpStatus >= 300 ? `HTTP ${httpStatus}` : '',
        bodySaysDown ? `status "${sanitize(String(status)).slice(0, 40)}"` : '',
      ]
        .filter(Boolean)
        .join(', '),
    }),
    ...(typeof version === 'string' && { version: sanitize(version).slice(0, 64) }),
    ...(errorRate !== undefined && { errorRate }),
  };
}

/** Polls a health URL: 2xx (and a healthy JSON status, if any) within the deadline is up. */
export function healthCheckSource(options: HealthCheckOptions, sink: EventSink): Poller {
  const { service, url, intervalMs = 2000, timeoutMs = 1500 } = options;
  const fields = { ...DEFAULT_FIELDS, ...options.fields };
  return new Poller({
    intervalMs,
    // A failing health check is a result, not a source failure: it is reported, then retried on schedule.
    task: async () => {
      const t0 = performance.now();
      try {
        const res = await httpGet(url, { timeoutMs, maxBytes: 64 * 1024 });
        const reading = readHealth(res.status, res.body, fields, options.healthyValues);
        sink({
          type: 'health',
          service,
          target: url,
          at: Date.now(),
          ok: reading.ok,
          latencyMs: res.latencyMs,
          httpStatus: res.status,
          ...(reading.version && { version: reading.version }),
          ...(reading.detail && { error: reading.detail }),
          ...(reading.errorRate !== undefined && { errorRate: reading.errorRate }),
        });
      } catch (err) {
        sink({
          type: 'health',
          service,
          target: url,
          at: Date.now(),
          ok: false,
          latencyMs: performance.now() - t0,
          error: sanitize((err as Error).message),
        });
      }
    },
    onFailure: () => {},
  });
}
