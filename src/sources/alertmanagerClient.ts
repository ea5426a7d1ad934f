import type { Alert, Silence } from '../model/alerts';
import { sanitize } from '../text/sanitize';
import { httpGet } from './httpGet';

const MAX_BODY = 32 * 1024 * 1024;

type Labels = Record<string, string>;

/** Only string values, each sanitized: labels and annotations come from anyone who can fire an alert. */
function cleanMap(v: unknown): Labels {
  if (!v || typeof v !== 'object') return {};
  const out: Labels = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    if (typeof x === 'string') out[sanitize(k)] = sanitize(x);
  return out;
}

function alertFrom(raw: Record<string, unknown>): Alert {
  const labels = cleanMap(raw.labels);
  const status = (raw.status ?? {}) as { state?: string; silencedBy?: unknown[]; inhibitedBy?: unknown[] };
  const silencedBy = (status.silencedBy ?? []).filter((s): s is string => typeof s === 'string');
  const inhibited = (status.inhibitedBy ?? []).length > 0;
  return {
    fingerprint: sanitize(String(raw.fingerprint ?? '')),
    name: labels.alertname ?? '(no alertname)',
    state:
      silencedBy.length > 0
        ? 'silenced'
        : inhibited
          ? 'inhibited'
          : status.state === 'unprocessed'
            ? 'pending'
            : 'firing',
    severity: labels.severity ?? 'none',
    labels,
    annotations: cleanMap(raw.annotations),
    startsAt: Date.parse(String(raw.startsAt ?? '')) || 0,
    silencedBy,
  };
}

function silenceFrom(raw: Record<string, unknown>): Silence {
  const state = (raw.status as { state?: string } | undefined)?.state;
  return {
    id: sanitize(String(raw.id ?? '')),
    state: state === 'active' || state === 'pending' ? state : 'expired',
    matchers: ((raw.matchers as unknown[]) ?? []).map((m) => {
      const x = (m ?? {}) as Record<string, unknown>;
      return {
        name: sanitize(String(x.name ?? '')),
        value: sanitize(String(x.value ?? '')),
        isRegex: x.isRegex === true,
        isEqual: x.isEqual !== false,
      };
    }),
    startsAt: Date.parse(String(raw.startsAt ?? '')) || 0,
    endsAt: Date.parse(String(raw.endsAt ?? '')) || 0,
    createdBy: sanitize(String(raw.createdBy ?? '')),
    comment: sanitize(String(raw.comment ?? '')),
  };
}

/** Alertmanager's API v2 (v1 is gone from current releases), with a deadline and a size cap. */
export class AlertmanagerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    private readonly timeoutMs = 5000,
  ) {}

  private async get(path: string): Promise<unknown[]> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const res = await httpGet(url.toString(), {
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_BODY,
      headers: this.headers,
    });
    if (res.status !== 200) throw new Error(`Alertmanager answered HTTP ${res.status} to ${path}`);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new Error(`Alertmanager answered ${path} with something that is not JSON`);
    }
    if (!Array.isArray(body))
      throw new Error(`Alertmanager answered ${path} with something that is not a list`);
    return body;
  }

  async alerts(): Promise<Alert[]> {
    return (await this.get('api/v2/alerts')).map((a) => alertFrom((a ?? {}) as Record<string, unknown>));
  }

  async silences(): Promise<Silence[]> {
    return (await this.get('api/v2/silences')).map((s) => silenceFrom((s ?? {}) as Record<string, unknown>));
  }
}
