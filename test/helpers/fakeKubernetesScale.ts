import type { IncomingMessage } from 'node:http';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

/** What the FAKE API needs of its store to serve the scale subresource. */
interface ScaleStore {
  get(plural: string, namespace: string, name: string): Obj | undefined;
  apply(plural: string, object: Obj): Obj;
  patches: { path: string; contentType: string; body: unknown }[];
}

const scaleOf = (o: Obj) => ({
  kind: 'Scale',
  apiVersion: 'autoscaling/v1',
  metadata: {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    resourceVersion: o.metadata.resourceVersion,
  },
  spec: { replicas: (o.spec as { replicas?: number }).replicas ?? 1 },
  status: { replicas: (o.status as { replicas?: number } | undefined)?.replicas ?? 0 },
});

/**
 * `/apis/apps/v1/namespaces/NS/{deployments,statefulsets}/NAME/scale` of the FAKE API: GET answers
 * the Scale; PATCH takes a merge patch of `spec.replicas` (what `kubectl scale` sends), recorded
 * with the other patches, and sets the workload's replicas.
 */
export function serveScale(
  api: ScaleStore,
  req: IncomingMessage,
  at: { plural: string; namespace: string; name: string },
  json: (status: number, body: unknown) => void,
): unknown {
  const current = api.get(at.plural, at.namespace, at.name);
  if (!current) return json(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  if (req.method === 'GET') return json(200, scaleOf(current));
  if (req.method !== 'PATCH')
    return json(405, { kind: 'Status', status: 'Failure', reason: 'MethodNotAllowed', code: 405 });
  let body = '';
  req.on('data', (d: Buffer) => {
    body += d.toString();
  });
  req.on('end', () => {
    const type = (req.headers['content-type'] ?? '').split(';')[0] ?? '';
    let patch: { spec?: { replicas?: unknown } };
    try {
      patch = JSON.parse(body);
    } catch {
      return json(400, { kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    }
    api.patches.push({ path: req.url ?? '', contentType: type, body: patch });
    const replicas = patch.spec?.replicas;
    if (!type.endsWith('merge-patch+json') || !Number.isInteger(replicas) || (replicas as number) < 0)
      return json(422, { kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    const url = new URL(req.url ?? '/', 'http://x');
    const scaled = { ...current, spec: { ...(current.spec as object), replicas } };
    if (url.searchParams.get('dryRun') === 'All') return json(200, scaleOf(scaled));
    json(200, scaleOf(api.apply(at.plural, scaled)));
  });
}
