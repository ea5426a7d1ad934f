import type { Dispatcher } from 'undici';
import type { NotifyKind } from '../model/notify';
import { sanitize } from '../text/sanitize';

/** How one message's delivery ended, as the journal records it. */
export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
  /** The platform's HTTP status, when it answered. */
  status?: number;
  /** What the platform said (its body's start), or why it could not be reached. */
  detail: string;
  /** Worth another try later (the platform was down, slow, or asked us to wait too long). */
  retryable: boolean;
}

export interface DeliveryOptions {
  /** The message's id: sent as `Idempotency-Key` where the platform takes one (the generic webhook). */
  id: string;
  /** Per attempt: the platform must have answered within it. */
  attemptMs?: number;
  maxAttempts?: number;
  /** A Retry-After longer than this is not waited for here: the message stays for later. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  dispatcher?: Dispatcher;
}

const ANSWER_BYTES = 64 * 1024;

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** A proxy variable that is set but is not a URL (the client would fail on every message), said with its fix. */
export function proxyProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    try {
      new URL(value);
    } catch {
      return `$${name} is not a URL (${sanitize(value).slice(0, 80)})\n  fix: export ${name}=http://proxy.example:3128 or unset it`;
    }
  }
  return undefined;
}

let proxyAware: Dispatcher | undefined;
/** HTTP(S)_PROXY and NO_PROXY as curl reads them: bastions often reach chat only through a proxy. */
async function defaultDispatcher(): Promise<Dispatcher> {
  const { EnvHttpProxyAgent } = await import('./undiciAgents');
  proxyAware ??= new EnvHttpProxyAgent();
  return proxyAware;
}

/** What each platform answers when it took the message: Slack `200 ok`, Discord 204, Teams 202. */
function accepted(kind: NotifyKind, status: number, text: string): boolean {
  if (kind === 'slack') return status === 200 && text.trim() === 'ok';
  return status >= 200 && status < 300;
}

/** Retry-After in seconds or an HTTP date, else Discord's `retry_after` in its JSON body. */
export function retryAfterMs(
  header: string | string[] | undefined,
  body: string,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const inBody = /"retry_after"\s*:\s*(\d+(?:\.\d+)?)/.exec(body)?.[1];
  return inBody === undefined ? undefined : Math.ceil(Number(inBody) * 1000);
}

async function readAnswer(body: AsyncIterable<unknown> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs one message to a channel's URL, with a deadline per attempt, retries with backoff on 5xx
 * and network failures, and a 429's Retry-After honoured (up to `maxWaitMs`). A 4xx other than 429
 * is the platform refusing this message: not retried, said as it said it.
 */
export async function deliver(
  kind: NotifyKind,
  url: string,
  payload: unknown,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const { request } = await import('./undiciAgents');
  const attemptMs = options.attemptMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const proxy = options.dispatcher ? undefined : proxyProblem();
  // Kept for later, as a URL that cannot be read is: only the setting can fix it.
  if (proxy)
    return { delivered: false, attempts: 0, detail: proxy.split('\n')[0] as string, retryable: true };
  const dispatcher = options.dispatcher ?? (await defaultDispatcher());
  const body = JSON.stringify(payload);
  let last: DeliveryOutcome = { delivered: false, attempts: 0, detail: 'not sent', retryable: true };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let wait = Math.min(30_000, 1000 * 2 ** (attempt - 1));
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          // Some platforms' front doors refuse a request that names no client.
          'user-agent': 'opsconsole (incident updates)',
          ...(kind === 'webhook' && { 'idempotency-key': options.id }),
        },
        dispatcher,
        headersTimeout: attemptMs,
        bodyTimeout: attemptMs,
        signal: AbortSignal.timeout(attemptMs),
      });
      const text = await readAnswer(res.body);
      const said = sanitize(text.trim()).slice(0, 300);
      if (accepted(kind, res.statusCode, text))
        return {
          delivered: true,
          attempts: attempt,
          status: res.statusCode,
          detail: said || 'accepted',
          retryable: false,
        };
      last = {
        delivered: false,
        attempts: attempt,
        status: res.statusCode,
        detail: said || `HTTP ${res.statusCode}`,
        retryable: true,
      };
      if (res.statusCode === 429) {
        const after = retryAfterMs(res.headers['retry-after'], text) ?? wait;
        if (after > maxWaitMs)
          return { ...last, detail: `rate limited for ${Math.round(after / 1000)}s: kept for later` };
        wait = after;
      } else if (res.statusCode < 500) return { ...last, retryable: false };
    } catch (err) {
      const e = err as { code?: string; message?: string; name?: string };
      const why =
        e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT'
          ? `no answer within ${attemptMs / 1000}s`
          : sanitize(e.code ?? e.message ?? String(err)).slice(0, 200);
      last = { delivered: false, attempts: attempt, detail: why, retryable: true };
    }
    if (attempt < maxAttempts) await sleep(wait);
  }
  return last;
}
