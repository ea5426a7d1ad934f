import { sanitize } from '../text/sanitize';
import type { EventSink } from './events';
import { httpGet } from './httpGet';
import { Poller } from './poller';

export interface HealthCheckOptions {
  service: string;
  url: string;
  intervalMs?: number;
  timeoutMs?: number;
}

/** Reads `version` from a JSON health body when there is one; anything else is ignored. */
function versionFrom(body: string): string | undefined {
  try {
    const v = (JSON.parse(body) as { version?: unknown }).version;
    return typeof v === 'string' ? sanitize(v).slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

/** Polls a health URL: 2xx within the deadline is up; anything else is down with the reason. */
export function healthCheckSource(options: HealthCheckOptions, sink: EventSink): Poller {
  const { service, url, intervalMs = 2000, timeoutMs = 1500 } = options;
  return new Poller({
    intervalMs,
    // A failing health check is a result, not a source failure: only the report goes to the sink.
    task: async () => {
      const t0 = performance.now();
      try {
        const res = await httpGet(url, { timeoutMs, maxBytes: 64 * 1024 });
        const version = versionFrom(res.body);
        sink({
          type: 'health',
          service,
          target: url,
          at: Date.now(),
          ok: res.status >= 200 && res.status < 300,
          latencyMs: res.latencyMs,
          httpStatus: res.status,
          ...(version && { version }),
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
        throw err;
      }
    },
    onFailure: () => {},
  });
}
