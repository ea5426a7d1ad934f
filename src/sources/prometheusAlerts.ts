import { createHash } from 'node:crypto';
import type { Alert, AlertRule } from '../model/alerts';
import type { EventSink } from '../model/sourceEvents';
import { parseDuration } from '../text/duration';
import { sanitize, sanitizedStrings } from '../text/sanitize';
import { Poller } from './poller';
import { PrometheusClient } from './prometheusSource';

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter(isRaw) : []);

/** Alertmanager's fingerprints are its own; a Prometheus alert is named by a hash of its labels. */
function labelsFingerprint(labels: Record<string, string>): string {
  const text = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0000');
  return `prom-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

function alertFrom(raw: Raw): Alert {
  const labels = sanitizedStrings(raw.labels);
  return {
    fingerprint: labelsFingerprint(labels),
    name: labels.alertname ?? '(no alertname)',
    state: raw.state === 'firing' ? 'firing' : 'pending',
    severity: labels.severity ?? 'none',
    labels,
    annotations: sanitizedStrings(raw.annotations),
    startsAt: Date.parse(String(raw.activeAt ?? '')) || 0,
    silencedBy: [],
  };
}

/** Prometheus writes `for` as seconds (a number) in /api/v1/rules. */
function forMs(v: unknown): number {
  if (typeof v === 'number') return v * 1000;
  return typeof v === 'string' ? (parseDuration(v) ?? 0) : 0;
}

/** The team's alerting rules and the alerts they hold now (pending and firing), from Prometheus. */
export async function prometheusAlertRules(
  client: PrometheusClient,
): Promise<{ rules: AlertRule[]; alerts: Alert[]; evaluationMs?: number }> {
  const [rulesData, alertsData] = await Promise.all([
    client.data<unknown>('api/v1/rules', { type: 'alert' }),
    client.data<unknown>('api/v1/alerts'),
  ]);
  const rules: AlertRule[] = [];
  let evaluationMs: number | undefined;
  for (const group of list(isRaw(rulesData) ? rulesData.groups : undefined)) {
    if (typeof group.interval === 'number' && group.interval > 0)
      evaluationMs = Math.min(evaluationMs ?? Number.POSITIVE_INFINITY, group.interval * 1000);
    for (const r of list(group.rules)) {
      if (r.type !== undefined && r.type !== 'alerting') continue;
      rules.push({
        name: sanitize(String(r.name ?? '')),
        group: sanitize(String(group.name ?? '')),
        query: sanitize(String(r.query ?? '')),
        forMs: forMs(r.duration),
        state: r.state === 'firing' || r.state === 'pending' ? r.state : 'inactive',
        labels: sanitizedStrings(r.labels),
        annotations: sanitizedStrings(r.annotations),
      });
    }
  }
  const alerts = list(isRaw(alertsData) ? alertsData.alerts : undefined).map(alertFrom);
  return { rules, alerts, ...(evaluationMs !== undefined && { evaluationMs }) };
}

/** The Alertmanagers a Prometheus sends to (`/api/v1/alertmanagers`), as base URLs. */
export async function prometheusAlertmanagers(client: PrometheusClient): Promise<string[]> {
  const data = await client.data<unknown>('api/v1/alertmanagers');
  const urls = list(isRaw(data) ? data.activeAlertmanagers : undefined)
    .map((a) => String(a.url ?? ''))
    .map((u) => u.replace(/\/api\/v[12]\/alerts\/?$/, ''))
    .filter((u) => /^https?:\/\//.test(u));
  return [...new Set(urls)];
}

/** The fastest the rules are polled, however often Prometheus evaluates them. */
const FASTEST_RULES_POLL_MS = 1000;

/**
 * The environment's alerting rules, polled from Prometheus like every other source: a failure makes
 * them "unknown" (with why), never "none". Polled once per evaluation interval when Prometheus
 * evaluates more often than `intervalMs` (down to once a second), so a rule that fires shows within
 * two evaluations.
 */
export function prometheusRulesSource(
  url: string,
  sink: EventSink,
  headers: Record<string, string> = {},
  intervalMs = 5000,
): Poller {
  const client = new PrometheusClient(url, headers, 5000);
  let pace = intervalMs;
  return new Poller({
    intervalMs: () => pace,
    task: async () => {
      const { rules, alerts, evaluationMs } = await prometheusAlertRules(client);
      pace = Math.max(FASTEST_RULES_POLL_MS, Math.min(intervalMs, evaluationMs ?? intervalMs));
      sink({ type: 'alert-rules', at: Date.now(), rules, alerts });
    },
    onFailure: (error) =>
      sink({ type: 'alert-rules-unknown', at: Date.now(), reason: sanitize((error as Error).message) }),
  });
}
