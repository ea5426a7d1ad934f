import type { IncomingMessage } from 'node:http';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

/** What the FAKE API needs of its store to delete objects and keep containers' earlier runs. */
interface PodStore {
  get(plural: string, namespace: string, name: string): Obj | undefined;
  apply(plural: string, object: Obj): Obj;
  remove(plural: string, namespace: string, name: string): void;
  deletes: { path: string; contentType: string; body: unknown }[];
  logs: Map<string, { at: string; line: string }[]>;
  previousLogs: Map<string, { at: string; line: string }[]>;
}

/**
 * DELETE of a named object in the FAKE API: the body (DeleteOptions, as kubectl sends it) is recorded
 * and checked to be one; the object goes, and the API answers with it as it was, as a graceful delete
 * does. A pod a ReplicaSet owns is replaced by a new one of that ReplicaSet, as its controller would.
 */
export function serveDelete(
  api: PodStore,
  req: IncomingMessage,
  target: { plural: string; namespace: string; name: string; apiVersion: string; kind: string },
  json: (s: number, b: unknown) => void,
): void {
  let body = '';
  req.on('data', (d: Buffer) => {
    body += d.toString();
  });
  req.on('end', () => {
    const { plural, namespace, name } = target;
    const current = api.get(plural, namespace, name);
    if (!current) return json(404, notFound(plural, name));
    let options: unknown = {};
    try {
      options = body === '' ? {} : JSON.parse(body);
    } catch {
      return json(400, {
        kind: 'Status',
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: 'the body is not JSON',
      });
    }
    const kind = (options as { kind?: unknown }).kind;
    if (kind !== undefined && kind !== 'DeleteOptions')
      return json(400, {
        kind: 'Status',
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: `a delete takes DeleteOptions, not ${String(kind)}`,
      });
    api.deletes.push({
      path: req.url ?? '',
      contentType: (req.headers['content-type'] ?? '').split(';')[0] ?? '',
      body: options,
    });
    const answer = {
      apiVersion: target.apiVersion,
      kind: target.kind,
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString() },
    };
    // A server dry run: validated and answered, nothing removed.
    if (new URL(req.url ?? '/', 'http://x').searchParams.get('dryRun') === 'All') return json(200, answer);
    api.remove(plural, namespace, name);
    const owner = ((current.metadata.ownerReferences ?? []) as { kind?: string; name?: string }[]).find(
      (o) => o.kind === 'ReplicaSet',
    );
    if (plural === 'pods' && owner?.name)
      api.apply('pods', {
        ...current,
        metadata: {
          ...current.metadata,
          name: `${owner.name}-${Math.random().toString(36).slice(2, 7)}`,
          uid: undefined,
          creationTimestamp: undefined,
        },
      });
    json(200, answer);
  });
}

const notFound = (plural: string, name: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code: 404,
  reason: 'NotFound',
  message: `${plural} "${name}" not found`,
});

/**
 * A field selector of the `a.b=c,d=e` form (what `kubectl describe` sends for an object's events):
 * every path must hold that value.
 */
export function matchesFields(o: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [path = '', value = ''] = term.split('=');
    const found = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], o);
    return String(found ?? '') === value;
  });
}

/**
 * A container of a pod dies and the kubelet starts it again: its log so far becomes its previous
 * instance's (`?previous=true`), its restart count goes up, and its last state says how it ended.
 */
export function crashContainer(
  api: PodStore,
  at: { namespace: string; pod: string; container: string },
  ended: { exitCode: number; reason: string },
): void {
  const key = `${at.namespace}/${at.pod}/${at.container}`;
  api.previousLogs.set(key, api.logs.get(key) ?? []);
  api.logs.set(key, []);
  const pod = api.get('pods', at.namespace, at.pod);
  if (!pod) throw new Error(`no pod ${at.namespace}/${at.pod}`);
  const status = (pod.status ?? {}) as { containerStatuses?: Record<string, unknown>[] };
  const statuses = (status.containerStatuses ?? []).map((s) =>
    s.name === at.container
      ? {
          ...s,
          restartCount: Number(s.restartCount ?? 0) + 1,
          lastState: { terminated: { ...ended, finishedAt: new Date().toISOString() } },
          state: { running: { startedAt: new Date().toISOString() } },
        }
      : s,
  );
  api.apply('pods', { ...pod, status: { ...status, containerStatuses: statuses } });
}
