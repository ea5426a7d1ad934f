import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE Kubernetes API server: no package we can install provides a real one. It is strict where a
 * client relies on the protocol, and kept honest by a real client (`kubectl`) in the tests:
 * - list returns a List with metadata.resourceVersion; watch (`?watch=1&resourceVersion=N`) streams
 *   one JSON event per line from N, with BOOKMARK events when asked (`allowWatchBookmarks`);
 * - a resourceVersion older than the compacted history answers 410 Gone (an ERROR event on a watch);
 * - discovery (/api, /apis, /api/v1, /apis/apps/v1), namespaced and cluster-wide paths, label
 *   selectors of the `a=b,c=d` form; shapes (ownerReferences, revision annotations) as the API
 *   reference gives them.
 */

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };
interface Resource {
  group: string; // '' for the core group
  version: string;
  plural: string;
  kind: string;
}

const RESOURCES: Resource[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  { group: '', version: 'v1', plural: 'events', kind: 'Event' },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet' },
];

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

export class FakeKubernetesApi {
  private server: Server | undefined;
  private rv = 1000;
  private readonly objects = new Map<string, Map<string, Obj>>(RESOURCES.map((r) => [r.plural, new Map()]));
  private readonly history = new Map<string, Change[]>(RESOURCES.map((r) => [r.plural, []]));
  /** Changes older than this resourceVersion are forgotten: a watch from before gets 410 Gone. */
  private compactedBefore = 0;
  private readonly muted = new Set<ServerResponse>();
  private readonly watchers = new Set<{
    plural: string;
    ns?: string;
    res: ServerResponse;
    selector: Selector;
  }>();
  url = '';
  /** Every request path, for tests that check what a client asked. */
  readonly requests: string[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    for (const r of this.muted) r.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Creates or replaces an object, as a controller would; watchers see ADDED or MODIFIED. */
  apply(plural: string, object: Obj): Obj {
    const store = this.objects.get(plural) as Map<string, Obj>;
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const existed = store.has(key);
    const stamped: Obj = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    if (!stamped.metadata.uid) stamped.metadata.uid = `uid-${plural}-${key}`;
    if (!stamped.metadata.creationTimestamp) stamped.metadata.creationTimestamp = new Date().toISOString();
    store.set(key, stamped);
    this.emit(plural, { rv: this.rv, type: existed ? 'MODIFIED' : 'ADDED', object: stamped });
    return stamped;
  }

  remove(plural: string, namespace: string, name: string): void {
    const store = this.objects.get(plural) as Map<string, Obj>;
    const object = store.get(`${namespace}/${name}`);
    if (!object) return;
    store.delete(`${namespace}/${name}`);
    this.emit(plural, {
      rv: ++this.rv,
      type: 'DELETED',
      object: { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } },
    });
  }

  get(plural: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(plural)?.get(`${namespace}/${name}`);
  }

  /** Forgets the history so far: the next watch from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedBefore = this.rv + 1;
    for (const h of this.history.values()) h.length = 0;
  }

  /**
   * Open watch streams stay open but deliver nothing more: the known failure where a watch goes
   * silent without closing. New watches are served as usual.
   */
  muteWatches(): void {
    for (const w of this.watchers) this.muted.add(w.res);
    this.watchers.clear();
  }

  /** Cuts every open watch stream, as an API server restart or a load balancer would. */
  cutWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  private emit(plural: string, change: Change): void {
    this.history.get(plural)?.push(change);
    for (const w of this.watchers)
      if (w.plural === plural && matches(change.object, w.ns, w.selector))
        w.res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): unknown {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const p = url.pathname.replace(/\/$/, '');
    if (p === '/version') return json(200, { major: '1', minor: '29', gitVersion: 'v1.29.0-fake' });
    if (p === '/api')
      return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (p === '/apis')
      return json(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          {
            name: 'apps',
            versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          },
        ],
      });
    if (p === '/api/v1' || p === '/apis/apps/v1') {
      const group = p === '/api/v1' ? '' : 'apps';
      return json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? 'apps/v1' : 'v1',
        resources: RESOURCES.filter((r) => r.group === group).map((r) => ({
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: true,
          kind: r.kind,
          verbs: ['get', 'list', 'watch', 'patch'],
        })),
      });
    }
    const m = /^\/(?:api\/v1|apis\/apps\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?$/.exec(p);
    const resource = m && RESOURCES.find((r) => r.plural === m[2]);
    if (!m || !resource)
      return json(404, status(404, 'NotFound', `the server could not find the requested resource (${p})`));
    const [, ns, plural, name] = m as unknown as [string, string | undefined, string, string | undefined];
    const store = this.objects.get(plural) as Map<string, Obj>;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    if (name) {
      const obj = store.get(`${ns ?? ''}/${name}`);
      if (req.method === 'PATCH') return this.patch(req, plural, ns ?? '', name, json);
      return obj
        ? json(200, { apiVersion, kind: resource.kind, ...obj })
        : json(404, status(404, 'NotFound', `${plural} "${name}" not found`));
    }
    const selector = parseSelector(url.searchParams.get('labelSelector'));
    if (url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true') {
      const from = Number(url.searchParams.get('resourceVersion') ?? this.rv);
      if (from < this.compactedBefore - 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.compactedBefore})`) })}\n`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      for (const c of this.history.get(plural) ?? [])
        if (c.rv > from && matches(c.object, ns, selector))
          res.write(`${JSON.stringify({ type: c.type, object: c.object })}\n`);
      if (url.searchParams.get('allowWatchBookmarks') === 'true')
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind: resource.kind, apiVersion, metadata: { resourceVersion: String(this.rv) } } })}\n`,
        );
      const watcher = { plural, ...(ns && { ns }), res, selector };
      this.watchers.add(watcher);
      req.on('close', () => this.watchers.delete(watcher));
      return;
    }
    const items = [...store.values()].filter((o) => matches(o, ns, selector));
    return json(200, {
      apiVersion,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private patch(
    req: IncomingMessage,
    plural: string,
    ns: string,
    name: string,
    json: (s: number, b: unknown) => void,
  ): void {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const current = this.get(plural, ns, name);
      if (!current) return json(404, status(404, 'NotFound', `${plural} "${name}" not found`));
      let patch: Record<string, unknown>;
      try {
        patch = JSON.parse(body);
      } catch {
        return json(400, status(400, 'BadRequest', 'the patch is not JSON'));
      }
      const merged = mergePatch(current, patch) as Obj;
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.searchParams.get('dryRun') === 'All') return json(200, merged);
      json(200, this.apply(plural, merged));
    });
  }
}

type Selector = [string, string][];

function parseSelector(text: string | null): Selector {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [k, v] = part.split('=');
    return [k as string, v ?? ''];
  });
}

function matches(o: Obj, ns: string | undefined, selector: Selector): boolean {
  if (ns && o.metadata.namespace !== ns) return false;
  const labels = (o.metadata.labels ?? {}) as Record<string, string>;
  return selector.every(([k, v]) => labels[k] === v);
}

/** RFC 7386 JSON merge patch: the patch types a strategic-merge client also accepts for these fields. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** A Deployment, its ReplicaSet for `revision` and `replicas` pods, shaped as the API reference has them. */
export function workload(
  api: FakeKubernetesApi,
  o: {
    namespace: string;
    name: string;
    image: string;
    revision: number;
    replicas: number;
    podState?: 'running' | 'crashloop';
    restarts?: number;
    changeCause?: string;
  },
): void {
  const labels = { app: o.name };
  const hash = `${o.name.length}${o.revision}f${o.image.length}`.padEnd(9, 'a');
  const template = {
    metadata: { labels: { ...labels, 'pod-template-hash': hash } },
    spec: { containers: [{ name: o.name, image: o.image }] },
  };
  const deployment = api.apply('deployments', {
    metadata: {
      namespace: o.namespace,
      name: o.name,
      labels,
      generation: o.revision,
      annotations: {
        'deployment.kubernetes.io/revision': String(o.revision),
        ...(o.changeCause && { 'kubernetes.io/change-cause': o.changeCause }),
      },
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: template.spec },
    },
    status: {
      observedGeneration: o.revision,
      replicas: o.replicas,
      updatedReplicas: o.replicas,
      readyReplicas: o.podState === 'crashloop' ? 0 : o.replicas,
      availableReplicas: o.podState === 'crashloop' ? 0 : o.replicas,
    },
  });
  const rsName = `${o.name}-${hash}`;
  api.apply('replicasets', {
    metadata: {
      namespace: o.namespace,
      name: rsName,
      labels: { ...labels, 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/revision': String(o.revision),
        ...(o.changeCause && { 'kubernetes.io/change-cause': o.changeCause }),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: o.name,
          uid: deployment.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...labels, 'pod-template-hash': hash } },
      template,
    },
    status: { replicas: o.replicas, readyReplicas: o.podState === 'crashloop' ? 0 : o.replicas },
  });
  for (let i = 0; i < o.replicas; i++) {
    const crash = o.podState === 'crashloop';
    api.apply('pods', {
      metadata: {
        namespace: o.namespace,
        name: `${rsName}-p${i}`,
        labels: { ...labels, 'pod-template-hash': hash },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rsName,
            uid: `uid-replicasets-${o.namespace}/${rsName}`,
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: o.name, image: o.image }], nodeName: 'node-1' },
      status: {
        phase: 'Running',
        startTime: new Date().toISOString(),
        containerStatuses: [
          {
            name: o.name,
            image: o.image,
            ready: !crash,
            restartCount: o.restarts ?? 0,
            state: crash
              ? {
                  waiting: {
                    reason: 'CrashLoopBackOff',
                    message: 'back-off 40s restarting failed container',
                  },
                }
              : { running: { startedAt: new Date().toISOString() } },
            ...(crash && { lastState: { terminated: { exitCode: 1, reason: 'Error' } } }),
          },
        ],
      },
    });
  }
}
