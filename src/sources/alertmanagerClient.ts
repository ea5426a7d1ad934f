import type { Alert, AlertMatcher, Silence } from '../model/alerts';
import { sanitize, sanitizedStrings } from '../text/sanitize';
import { authHeaders } from './authHeaders';
import { JsonShapeCheck, JsonShapeError } from './boundedJson';
import { httpRequest } from './httpGet';

const MAX_BODY = 32 * 1024 * 1024;
/**
 * What one answer may hold besides its bytes: alerts per answer, labels (members) per alert, and
 * nesting. 24 MB of one alert with 1.5 M labels was a heap out-of-memory once parsed.
 */
export const ALERTMANAGER_LIMITS = { maxItems: 50_000, maxMembers: 1_000, maxDepth: 32 };

function alertFrom(raw: Record<string, unknown>): Alert {
  const labels = sanitizedStrings(raw.labels);
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
    annotations: sanitizedStrings(raw.annotations),
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

/** An answer over a shape limit, in the operator's words. */
function overLimit(err: unknown, path: string): unknown {
  if (!(err instanceof JsonShapeError)) return err;
  const what =
    err.limit === 'items'
      ? `more than ${err.max} alerts or silences in one answer`
      : err.limit === 'members'
        ? `more than ${err.max} labels (members) in one object`
        : `nesting deeper than ${err.max} levels`;
  return new Error(`Alertmanager answered ${path} with ${what}: over the limit, not read`);
}

/** `text` came through `send`, whose shape check saw every byte of it as it arrived. */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Alertmanager answered ${path} with something that is not JSON`);
  }
}

/** What `/api/v2/status` says of the Alertmanager itself. */
export interface AlertmanagerStatus {
  version: string;
  cluster: string;
  uptime: string;
}

/** Alertmanager's API v2 (v1 is gone from current releases), with a deadline and a size cap. */
export class AlertmanagerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    private readonly timeoutMs = 5000,
  ) {}

  /** The client for an environment's `alertmanager: {url, auth}`. */
  static configured(am: { url: string; auth?: Parameters<typeof authHeaders>[0] }): AlertmanagerClient {
    return new AlertmanagerClient(am.url, authHeaders(am.auth, 'Alertmanager'));
  }

  /** The last alerts answer, as text and as read: an unchanged answer is not read again. */
  private lastAlerts: { body: string; alerts: Alert[] } | undefined;

  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, json?: unknown): Promise<string> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const shape = new JsonShapeCheck(ALERTMANAGER_LIMITS);
    const res = await httpRequest(url.toString(), {
      method,
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_BODY,
      headers: this.headers,
      ...(json !== undefined && { json }),
      // Refused at the byte that crosses a limit, not after the whole answer has come.
      onChunk: (chunk) => shape.push(chunk),
    }).catch((err: unknown) => {
      throw overLimit(err, path);
    });
    if (res.status !== 200) {
      // Alertmanager explains a refused request in the body (a bad matcher, an unknown silence).
      const why = sanitize(res.body.trim().replace(/^"|"$/g, '')).slice(0, 300);
      throw Object.assign(
        new Error(`Alertmanager answered HTTP ${res.status} to ${method} ${path}${why ? `: ${why}` : ''}`),
        // It answered no: nothing was made (see wasRefused in session/alertSilencing).
        { refused: true },
      );
    }
    return res.body;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, json?: unknown): Promise<unknown> {
    const text = await this.send(method, path, json);
    return method === 'DELETE' ? undefined : parseJson(text, path);
  }

  private listFrom(text: string, path: string): Record<string, unknown>[] {
    const body = parseJson(text, path);
    if (!Array.isArray(body))
      throw new Error(`Alertmanager answered ${path} with something that is not a list`);
    return body.map((x) => (x && typeof x === 'object' ? x : {}) as Record<string, unknown>);
  }

  /**
   * Every alert. The same answer as last time gives the same array back: with thousands of alerts a
   * poll then costs the fetch only, and the views see nothing new to regroup.
   */
  async alerts(): Promise<Alert[]> {
    const path = 'api/v2/alerts';
    const text = await this.send('GET', path);
    if (this.lastAlerts?.body === text) return this.lastAlerts.alerts;
    const alerts = this.listFrom(text, path).map(alertFrom);
    this.lastAlerts = { body: text, alerts };
    return alerts;
  }

  async silences(): Promise<Silence[]> {
    const path = 'api/v2/silences';
    return this.listFrom(await this.send('GET', path), path).map(silenceFrom);
  }

  async status(): Promise<AlertmanagerStatus> {
    const body = ((await this.call('GET', 'api/v2/status')) ?? {}) as Record<string, unknown>;
    const version = (body.versionInfo as { version?: unknown } | undefined)?.version;
    const cluster = (body.cluster as { status?: unknown } | undefined)?.status;
    return {
      version: sanitize(String(version ?? 'unknown')),
      cluster: sanitize(String(cluster ?? 'unknown')),
      uptime: sanitize(String(body.uptime ?? '')),
    };
  }

  /** Creates a silence and returns its id. */
  async createSilence(silence: {
    matchers: AlertMatcher[];
    startsAt: number;
    endsAt: number;
    createdBy: string;
    comment: string;
  }): Promise<string> {
    const body = (await this.call('POST', 'api/v2/silences', {
      matchers: silence.matchers,
      startsAt: new Date(silence.startsAt).toISOString(),
      endsAt: new Date(silence.endsAt).toISOString(),
      createdBy: silence.createdBy,
      comment: silence.comment,
    })) as { silenceID?: unknown } | undefined;
    if (typeof body?.silenceID !== 'string')
      throw new Error('Alertmanager created a silence but did not say its id');
    return sanitize(body.silenceID);
  }

  /** Expires a silence now. */
  async expireSilence(id: string): Promise<void> {
    await this.call('DELETE', `api/v2/silence/${encodeURIComponent(id)}`);
  }
}
