import { PrometheusClient } from './prometheusSource';

/** A service found in Prometheus: the request counter to read and the selector of its series. */
export interface DiscoveredService {
  name: string;
  metric: string;
  selector: string;
}

/** Labels that name a service, most specific first; `job` is the fallback every target has. */
const SERVICE_LABELS = ['service', 'app', 'application', 'job'];

/**
 * The services a Prometheus knows of: every request counter (`*_requests_total`) that carries a
 * `code` label, split by the first service-like label its series have. Their 5xx ratios and p95
 * then come from the same queries a configured service uses.
 */
export async function discoverPrometheusServices(
  url: string,
  headers: Record<string, string> = {},
): Promise<DiscoveredService[]> {
  const client = new PrometheusClient(url, headers, 5000);
  const series = await client.vector(
    'count by (__name__, service, app, application, job) ({__name__=~".+_requests_total", code!=""})',
  );
  const found = new Map<string, DiscoveredService>();
  for (const s of series) {
    const metric = s.metric.__name__;
    const label = SERVICE_LABELS.find((l) => s.metric[l]);
    if (!metric || !label) continue;
    const value = s.metric[label] as string;
    const name = value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'service';
    if (!found.has(name)) found.set(name, { name, metric, selector: `{${label}=${JSON.stringify(value)}}` });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
