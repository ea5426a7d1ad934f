import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { sanitize } from '../text/sanitize';
import { checkJsonShape, JsonShapeError } from './boundedJson';

/**
 * What one answer of the API server may cost, beyond its bytes. etcd keeps an object under 1.5 MiB,
 * so a watch event of 8 MiB is not an object; a list is read whole before it is parsed, and parsed
 * it costs about three times its text, which must fit the console's 256 MB heap (50,000 pods list in
 * about 40 MB); labels and annotations are members of one object.
 */
export const KUBERNETES_LIMITS = {
  listBytes: 64 * 1024 * 1024,
  listItems: 100_000,
  watchLineBytes: 8 * 1024 * 1024,
  objectMembers: 10_000,
  depth: 64,
};

/**
 * The API server's answer could not be used: over a limit, not JSON, not the shape asked for. It is
 * not a network hiccup, and the data it stands for is unknown, never empty.
 */
export class KubernetesAnswerError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server refused (410 Gone makes an informer re-list). */
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/**
 * What to ask cannot be said: the kubeconfig names no cluster, or a namespace or name is not one by
 * Kubernetes' grammar. A mistake on this side, never the server's.
 */
export class KubernetesTargetError extends Error {}

/**
 * The kubeconfig at `path` with `context` (else its current one) chosen; throws `KubernetesTargetError`
 * when that names no cluster, rather than letting the client fail later with "No active cluster!".
 */
export function loadKubeConfig(
  k8s: typeof import('@kubernetes/client-node'),
  path: string,
  context?: string,
): KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new KubernetesTargetError(
      `the kubeconfig at ${path} cannot be read: ${sanitize((err as Error).message)}`,
    );
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context))
      throw new KubernetesTargetError(`the kubeconfig at ${path} has no context "${sanitize(context)}"`);
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster())
    throw new KubernetesTargetError(
      `the kubeconfig at ${path} names no cluster for context "${sanitize(kc.getCurrentContext() || '(none: current-context is not set)')}"`,
    );
  return kc;
}

/**
 * A revision annotation (`deployment.kubernetes.io/revision`) as the controller writes it: a
 * positive decimal integer, nothing else (" 0x1 " and "-5" are not revisions).
 */
export function revisionNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A DNS-1123 label (RFC 1123): what a namespace name must be. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A DNS-1123 subdomain: what the name of a Deployment, a ReplicaSet or a pod must be. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** The cluster's URL for `path` and the options (TLS agent, credentials) the kubeconfig gives. */
async function requestFor(kc: KubeConfig, path: string, query: Record<string, string>) {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new KubernetesAnswerError(
      `the kubeconfig's context "${sanitize(kc.getCurrentContext() || '(none)')}" names no cluster`,
    );
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const init = await kc.applyToFetchOptions({});
  // A fetch Headers (credentials, the exec plugin's token): iterable as name, value pairs.
  const headers = Object.fromEntries(init.headers as unknown as Iterable<[string, string]>);
  return { url, agent: init.agent as import('node:http').Agent | undefined, headers };
}

/** Opens a GET; resolves with the response once its headers are in. */
async function get(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const { url, agent, headers } = await requestFor(kc, path, query);
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { ...headers, accept: 'application/json' },
      agent,
      signal,
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The JSON of one answer, its shape checked before it is parsed; `what` names it in errors. */
function parseBounded(text: string, what: string, maxItems: number): unknown {
  try {
    checkJsonShape(text, {
      maxItems,
      maxMembers: KUBERNETES_LIMITS.objectMembers,
      maxDepth: KUBERNETES_LIMITS.depth,
    });
  } catch (err) {
    if (err instanceof JsonShapeError)
      throw new KubernetesAnswerError(`${what} holds ${err.message}: over the limit, not read`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    const start = sanitize(text.slice(0, 40).replace(/\s+/g, ' '));
    throw new KubernetesAnswerError(
      `${what} is not JSON (it begins "${start}"): is the kubeconfig's server a Kubernetes API?`,
    );
  }
}

/** A refusal's message: the Status object's `message`, else the HTTP status. */
function refusal(res: IncomingMessage, body: string, what: string): KubernetesAnswerError {
  let message = '';
  try {
    message = String((JSON.parse(body) as { message?: unknown }).message ?? '');
  } catch {}
  return new KubernetesAnswerError(
    `${what}: the API server answered HTTP ${res.statusCode}${message ? `: ${sanitize(message).slice(0, 300)}` : ''}`,
    res.statusCode,
  );
}

/** A whole answer, at most `maxBytes`: past that the connection is closed and the error says so. */
async function readBody(res: IncomingMessage, maxBytes: number, what: string): Promise<string> {
  const tooLarge = () => {
    res.destroy();
    return new KubernetesAnswerError(
      `${what} is larger than ${maxBytes / 1024 / 1024} MiB (the limit per answer): not read`,
    );
  };
  // Said up front when the server gives the length; counted as it comes when it streams.
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GET of a list (`/api/v1/pods`, …) as plain objects: bounded in bytes, items and members, checked
 * to be a Kubernetes list. The client's typed deserialisation is skipped: it costs more than the
 * parse and holds a second copy of every object.
 */
export async function listObjects<T>(
  kc: KubeConfig,
  path: string,
  query: Record<string, string> = {},
): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }> {
  const what = `GET ${path}`;
  const res = await get(kc, path, query, AbortSignal.timeout(120_000));
  const body = await readBody(res, KUBERNETES_LIMITS.listBytes, what);
  if (res.statusCode !== 200) throw refusal(res, body, what);
  const list = parseBounded(body, what, KUBERNETES_LIMITS.listItems) as {
    kind?: unknown;
    items?: unknown;
    metadata?: { resourceVersion?: string };
  } | null;
  if (!list || !Array.isArray(list.items) || typeof list.kind !== 'string' || !list.kind.endsWith('List'))
    throw new KubernetesAnswerError(`${what} is not a Kubernetes list (no kind …List with items)`);
  const items = list.items.filter((o): o is T => !!o && typeof o === 'object');
  return { items, ...(list.metadata && { metadata: list.metadata }) };
}

/** GET of one object, bounded as a list is; `kind` is the kind it must be. */
export async function getObject<T>(kc: KubeConfig, path: string, kind: string): Promise<T> {
  const what = `GET ${path}`;
  const res = await get(kc, path, {}, AbortSignal.timeout(30_000));
  const body = await readBody(res, KUBERNETES_LIMITS.watchLineBytes, what);
  if (res.statusCode !== 200) throw refusal(res, body, what);
  const object = parseBounded(body, what, KUBERNETES_LIMITS.listItems) as { kind?: unknown } | null;
  if (!object || object.kind !== kind) throw new KubernetesAnswerError(`${what} is not a ${kind}`);
  return object as T;
}

type WatchCallback = (phase: string, object: unknown, event: unknown) => void;

/**
 * The watch the client's informer (`ListWatch`) calls, line by line with a cap on each line: the
 * client's own reads lines with no limit, so 200 MB without a newline exhausted the heap, and it
 * drops lines it cannot parse, so an API answering HTML looked like a quiet one. Here either ends
 * the watch with an error that says why. `opened` is told when the server accepted the watch.
 */
export function boundedWatch(kc: KubeConfig, opened: () => void = () => {}) {
  return {
    async watch(
      path: string,
      query: Record<string, unknown>,
      callback: WatchCallback,
      done: (err: unknown) => void,
    ): Promise<{ abort(): void }> {
      const controller = new AbortController();
      // Stopped by the informer (abort): it asked for the end, so it is not told of one.
      const stop = {
        abort: () => {
          finished = true;
          controller.abort();
        },
      };
      let finished = false;
      const finish = (err: unknown) => {
        if (finished) return;
        finished = true;
        controller.abort();
        done(err);
      };
      const params: Record<string, string> = { watch: 'true' };
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params[k] = String(v);
      const what = `watch ${path}`;
      try {
        const res = await get(kc, path, params, controller.signal);
        if (res.statusCode !== 200) {
          finish(refusal(res, await readBody(res, 64 * 1024, what).catch(() => ''), what));
          return stop;
        }
        opened();
        readLines(res, what, (line) => {
          const event = parseBounded(line, `an event of ${what}`, KUBERNETES_LIMITS.listItems) as {
            type?: unknown;
            object?: unknown;
          } | null;
          if (!event || typeof event.type !== 'string' || !event.object || typeof event.object !== 'object')
            throw new KubernetesAnswerError(`an event of ${what} is not a watch event (type and object)`);
          callback(event.type, event.object, event);
        }).then(
          () => finish(null),
          (err) => finish(err),
        );
      } catch (err) {
        finish(err);
      }
      return stop;
    },
  };
}

/** Calls `onLine` for each line of the stream; a line longer than the cap ends it with an error. */
async function readLines(res: IncomingMessage, what: string, onLine: (line: string) => void): Promise<void> {
  const max = KUBERNETES_LIMITS.watchLineBytes;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  try {
    for await (const data of res) {
      let chunk = data as Buffer;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10)) {
        const line = Buffer.concat([...pending, chunk.subarray(0, nl)]).toString('utf8');
        pending = [];
        pendingSize = 0;
        chunk = chunk.subarray(nl + 1);
        if (line.trim() !== '') onLine(line);
      }
      pending.push(chunk);
      pendingSize += chunk.length;
      if (pendingSize > max)
        throw new KubernetesAnswerError(
          `${what} sent a line longer than ${max / 1024 / 1024} MiB (the limit per event): the watch was closed`,
        );
    }
  } finally {
    res.destroy();
  }
}
