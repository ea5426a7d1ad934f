import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crashContainer, matchesFields, serveDelete } from './fakeKubernetesPods';
import { serveScale } from './fakeKubernetesScale';

/**
 * A FAKE Kubernetes API server: no package we can install provides a real one. It is strict where a
 * client relies on the protocol, and kept honest by a real client (`kubectl`) in the tests:
 * - list returns a List with metadata.resourceVersion; watch (`?watch=1&resourceVersion=N`) streams
 *   one JSON event per line from N, with BOOKMARK events when asked (`allowWatchBookmarks`);
 * - a resourceVersion older than the compacted history answers 410 Gone (an ERROR event on a watch);
 * - discovery (/api, /apis, /api/v1, /apis/apps/v1), namespaced and cluster-wide paths, label
 *   selectors of the `a=b,c=d` form; shapes (ownerReferences, revision annotations) as the API
 *   reference gives them;
 * - pod logs (`/pods/NAME/log?container=&follow=&timestamps=&sinceTime=|sinceSeconds=&tailLines=`), RFC 3339 with
 *   nanoseconds before each line, `sinceTime` in whole seconds; follow streams that can be cut;
 * - PATCH of a Deployment as JSON patch (RFC 6902, what `kubectl rollout undo` sends) or merge patch,
 *   `dryRun=All` validated and answered without being stored; a changed pod template bumps the
 *   generation and, as the deployment controller does, gives the ReplicaSet with that template the
 *   next revision (or makes one), then rolls the pods over when `rollOver()` is called.
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
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet' },
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
  /** Every PATCH as it came: its path and query, content type and parsed body. */
  readonly patches: { path: string; contentType: string; body: unknown }[] = [];
  /** Every DELETE as it came: its path and query, content type and parsed DeleteOptions. */
  readonly deletes: { path: string; contentType: string; body: unknown }[] = [];
  /** Each container's log: `ns/pod/container` → lines with the time the kubelet took them. */
  readonly logs = new Map<string, { at: string; line: string }[]>();
  /** Each container's previous instance's log (`?previous=true`), kept by `crash`. */
  readonly previousLogs = new Map<string, { at: string; line: string }[]>();
  private readonly logFollowers = new Set<{ key: string; res: ServerResponse }>();
  /** Deployments whose template changed and whose pods the controller has yet to roll over. */
  private readonly rolling = new Set<string>();
  /**
   * A hostile server, for the client's limits: every path answers this HTML with 200, or a watch of
   * a resource streams bytes with no newline for as long as the client reads.
   */
  private hostile: { html?: string; endlessWatchOf?: string } = {};

  /** Every request is answered 200 with this HTML (a proxy's page, say), discovery included. */
  answerHtml(html: string): void {
    this.hostile.html = html;
  }

  /** Watches of `plural` stream one line that never ends, until the client closes it. */
  endlessWatchLine(plural: string): void {
    this.hostile.endlessWatchOf = plural;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const f of this.logFollowers) f.res.destroy();
    for (const w of this.watchers) w.res.destroy();
    for (const r of this.muted) r.destroy();
    // Keep-alive connections of clients not yet stopped (a list in flight) must not hold the close.
    this.server?.closeAllConnections();
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

  /** A container writes a line: kept with the kubelet's timestamp and sent to every follower. */
  log(namespace: string, pod: string, container: string, line: string, at = new Date()): void {
    const key = `${namespace}/${pod}/${container}`;
    // RFC 3339 with nanoseconds, as the kubelet writes it.
    const stamp = `${at.toISOString().slice(0, 23)}${String(this.rv++ % 1_000_000).padStart(6, '0')}Z`;
    const entry = { at: stamp, line };
    this.logs.set(key, [...(this.logs.get(key) ?? []), entry]);
    for (const f of this.logFollowers) if (f.key === key) f.res.write(`${stamp} ${line}\n`);
  }

  /** A container dies and is started again (see `crashContainer`). */
  crash(
    namespace: string,
    pod: string,
    container: string,
    ended: { exitCode: number; reason: string },
  ): void {
    crashContainer(this, { namespace, pod, container }, ended);
  }

  /** Cuts every log stream being followed, as a kubelet restart would. */
  cutLogs(): void {
    for (const f of this.logFollowers) f.res.destroy();
    this.logFollowers.clear();
  }

  get logStreams(): number {
    return this.logFollowers.size;
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
    if (this.hostile.html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(this.hostile.html);
    }
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
          verbs: ['get', 'list', 'watch', 'patch', 'delete'],
        })),
      });
    }
    const scale = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)\/scale$/.exec(
      p,
    );
    if (scale)
      return serveScale(
        this,
        req,
        { namespace: scale[1] as string, plural: scale[2] as string, name: scale[3] as string },
        json,
      );
    const logPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p);
    if (logPath) return this.serveLog(logPath[1] as string, logPath[2] as string, url, req, res, json);
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
      if (req.method === 'DELETE')
        return serveDelete(
          this,
          req,
          { plural, namespace: ns ?? '', name, apiVersion, kind: resource.kind },
          json,
        );
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
      if (this.hostile.endlessWatchOf === plural) return endlessLine(res);
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
    const fields = url.searchParams.get('fieldSelector');
    const items = [...store.values()].filter((o) => matches(o, ns, selector) && matchesFields(o, fields));
    return json(200, {
      apiVersion,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private serveLog(
    ns: string,
    pod: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    json: (s: number, b: unknown) => void,
  ): unknown {
    const object = this.get('pods', ns, pod);
    if (!object) return json(404, status(404, 'NotFound', `pods "${pod}" not found`));
    const containers = ((object.spec as { containers?: { name: string }[] }).containers ?? []).map(
      (c) => c.name,
    );
    const container =
      url.searchParams.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
    if (!container || !containers.includes(container))
      return json(
        400,
        status(
          400,
          'BadRequest',
          `a container name must be specified for pod ${pod}, choose one of: [${containers.join(' ')}]`,
        ),
      );
    const since = url.searchParams.get('sinceTime');
    if (since && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(since))
      return json(
        400,
        status(400, 'BadRequest', `sinceTime: invalid RFC 3339 time "${since}" (whole seconds)`),
      );
    const sinceSeconds = url.searchParams.get('sinceSeconds');
    if (sinceSeconds !== null && since)
      return json(
        400,
        status(400, 'BadRequest', 'at most one of sinceTime or sinceSeconds may be specified'),
      );
    if (sinceSeconds !== null && !/^[1-9]\d*$/.test(sinceSeconds))
      return json(
        400,
        status(400, 'BadRequest', `sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`),
      );
    const key = `${ns}/${pod}/${container}`;
    const stamps = url.searchParams.get('timestamps') === 'true';
    const from = sinceSeconds === null ? undefined : Date.now() - Number(sinceSeconds) * 1000;
    const previous = url.searchParams.get('previous') === 'true';
    if (previous && !this.previousLogs.has(key))
      return json(
        400,
        status(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod}" not found`),
      );
    let lines = ((previous ? this.previousLogs : this.logs).get(key) ?? []).filter(
      (e) =>
        (!since || e.at.slice(0, 19) >= since.slice(0, 19)) &&
        (from === undefined || Date.parse(e.at) >= from),
    );
    const tail = Number(url.searchParams.get('tailLines') ?? Number.NaN);
    if (Number.isInteger(tail) && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    // Headers go at once, as the API server sends them before the first line of a quiet container.
    res.flushHeaders();
    for (const e of lines) res.write(`${stamps ? `${e.at} ` : ''}${e.line}\n`);
    if (url.searchParams.get('follow') !== 'true') return void res.end();
    if (!stamps) return void res.end('(the fake follows logs with timestamps=true only)\n');
    const follower = { key, res };
    this.logFollowers.add(follower);
    req.on('close', () => this.logFollowers.delete(follower));
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
      const type = (req.headers['content-type'] ?? '').split(';')[0];
      let patch: unknown;
      try {
        patch = JSON.parse(body);
      } catch {
        return json(400, status(400, 'BadRequest', 'the patch is not JSON'));
      }
      this.patches.push({ path: req.url ?? '', contentType: type ?? '', body: patch });
      let patched: Obj;
      if (type === 'application/json-patch+json') {
        if (!Array.isArray(patch)) return json(400, status(400, 'BadRequest', 'a JSON patch is an array'));
        try {
          patched = jsonPatch(current, patch) as Obj;
        } catch (err) {
          return json(422, status(422, 'Invalid', (err as Error).message));
        }
      } else if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json')
        patched = mergePatch(current, patch) as Obj;
      else
        return json(
          415,
          status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${type}`),
        );
      const templateChanged =
        plural === 'deployments' &&
        JSON.stringify((patched.spec as Obj['spec'] & { template?: unknown })?.template) !==
          JSON.stringify((current.spec as { template?: unknown })?.template);
      if (templateChanged)
        patched = {
          ...patched,
          metadata: { ...patched.metadata, generation: Number(current.metadata.generation ?? 1) + 1 },
        };
      const url = new URL(req.url ?? '/', 'http://x');
      // An answer names its kind, as the API server's does (kubectl decodes it).
      const resource = RESOURCES.find((r) => r.plural === plural);
      const typed = (o: Obj) => ({
        apiVersion: resource?.group ? `${resource.group}/${resource.version}` : resource?.version,
        kind: resource?.kind,
        ...o,
      });
      if (url.searchParams.get('dryRun') === 'All') return json(200, typed(patched));
      const stored = this.apply(plural, patched);
      try {
        if (templateChanged) this.rolloutStarted(ns, name);
      } catch (err) {
        return json(500, status(500, 'InternalError', (err as Error).message));
      }
      json(200, typed(stored));
    });
  }

  /**
   * The deployment controller's first move after a template change: the ReplicaSet whose template
   * matches (pod-template-hash aside) becomes the newest revision; the Deployment takes that
   * revision and its change-cause; status says one generation behind until `rollOver`.
   */
  private rolloutStarted(ns: string, name: string): void {
    const deployment = this.get('deployments', ns, name) as Obj;
    const template = withoutHash((deployment.spec as { template: unknown }).template);
    const owned = this.ownedReplicaSets(deployment);
    const revisionOf = (rs: Obj) =>
      Number((rs.metadata.annotations as Record<string, string>)?.['deployment.kubernetes.io/revision'] ?? 0);
    const next = Math.max(0, ...owned.map(revisionOf)) + 1;
    const found = owned.find((rs) => withoutHash((rs.spec as { template: unknown }).template) === template);
    // A template no ReplicaSet has (a restart's annotation, a new image): a new ReplicaSet for it.
    const match = found ?? this.newReplicaSet(deployment, owned, next);
    const annotations = { ...(match.metadata.annotations as Record<string, string>) };
    if (found) annotations['deployment.kubernetes.io/revision-history'] = String(revisionOf(match));
    annotations['deployment.kubernetes.io/revision'] = String(next);
    this.apply('replicasets', { ...match, metadata: { ...match.metadata, annotations } });
    const da: Record<string, string> = {
      ...(deployment.metadata.annotations as Record<string, string>),
      'deployment.kubernetes.io/revision': String(next),
    };
    const cause = annotations['kubernetes.io/change-cause'];
    if (cause) da['kubernetes.io/change-cause'] = cause;
    else delete da['kubernetes.io/change-cause'];
    const st = deployment.status as Record<string, number>;
    this.apply('deployments', {
      ...deployment,
      metadata: { ...deployment.metadata, annotations: da },
      status: { ...st, observedGeneration: deployment.metadata.generation, updatedReplicas: 0 },
    });
    this.rolling.add(`${ns}/${name}`);
  }

  /** The ReplicaSet the controller makes for a template none has: the newest one's, renamed. */
  private newReplicaSet(deployment: Obj, owned: Obj[], revision: number): Obj {
    const base = owned.at(-1);
    if (!base) throw new Error('the fake makes a new ReplicaSet from an existing one');
    const template = JSON.parse(JSON.stringify((deployment.spec as { template: unknown }).template)) as {
      metadata?: { labels?: Record<string, string> };
    };
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, 'pod-template-hash': `r${revision}` },
    };
    const { uid: _uid, resourceVersion: _rv, ...metadata } = base.metadata;
    return {
      ...base,
      metadata: { ...metadata, name: `${deployment.metadata.name}-r${revision}`, annotations: {} },
      spec: { ...(base.spec as object), template },
    };
  }

  /**
   * The controller finishes a rollout: the pods of the other ReplicaSets go, the newest revision's
   * come up running, and the status says every replica is updated and available.
   */
  rollOver(ns: string, name: string): void {
    if (!this.rolling.delete(`${ns}/${name}`)) throw new Error(`no rollout of ${ns}/${name} under way`);
    const deployment = this.get('deployments', ns, name) as Obj;
    const revision = (deployment.metadata.annotations as Record<string, string>)[
      'deployment.kubernetes.io/revision'
    ];
    const owned = this.ownedReplicaSets(deployment);
    const current = owned.find(
      (rs) =>
        (rs.metadata.annotations as Record<string, string>)['deployment.kubernetes.io/revision'] === revision,
    ) as Obj;
    for (const pod of [...(this.objects.get('pods') as Map<string, Obj>).values()])
      if (
        pod.metadata.namespace === ns &&
        (pod.metadata.ownerReferences as { name: string }[] | undefined)?.some((o) =>
          owned.some((rs) => rs.metadata.name === o.name),
        )
      )
        this.remove('pods', ns, pod.metadata.name as string);
    const replicas = Number((deployment.spec as { replicas?: number }).replicas ?? 1);
    const template = (
      current.spec as {
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { name: string; image: string }[] };
        };
      }
    ).template;
    for (let i = 0; i < replicas; i++)
      this.apply(
        'pods',
        runningPod(
          ns,
          `${current.metadata.name}-r${revision}p${i}`,
          current.metadata.name as string,
          template.metadata.labels,
          template.spec.containers,
        ),
      );
    this.apply('deployments', {
      ...deployment,
      status: {
        observedGeneration: deployment.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      },
    });
  }

  private ownedReplicaSets(deployment: Obj): Obj[] {
    return [...(this.objects.get('replicasets') as Map<string, Obj>).values()].filter(
      (rs) =>
        rs.metadata.namespace === deployment.metadata.namespace &&
        (rs.metadata.ownerReferences as { uid?: string }[] | undefined)?.some(
          (o) => o.uid === deployment.metadata.uid,
        ),
    );
  }
}

/**
 * A pod template without the label the controller adds (`pod-template-hash`), keys in order: the
 * server compares templates by content, whatever order a client wrote the fields in.
 */
function withoutHash(template: unknown): string {
  const t = JSON.parse(JSON.stringify(template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canonical(t));
}

function runningPod(
  namespace: string,
  name: string,
  replicaSet: string,
  labels: Record<string, string>,
  containers: { name: string; image: string }[],
): Obj {
  return {
    metadata: {
      namespace,
      name,
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: replicaSet,
          uid: `uid-replicasets-${namespace}/${replicaSet}`,
          controller: true,
        },
      ],
    },
    spec: { containers, nodeName: 'node-1' },
    status: {
      phase: 'Running',
      startTime: new Date().toISOString(),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date().toISOString() } },
      })),
    },
  };
}

/** RFC 6902 JSON patch: the `replace`, `add`, `remove` and `test` operations, on object paths. */
function jsonPatch(target: unknown, ops: unknown[]): unknown {
  const doc = JSON.parse(JSON.stringify(target)) as Record<string, unknown>;
  for (const raw of ops) {
    const op = raw as { op?: string; path?: string; value?: unknown };
    if (typeof op.path !== 'string' || !op.path.startsWith('/'))
      throw new Error(`bad path in ${JSON.stringify(op)}`);
    const keys = op.path
      .slice(1)
      .split('/')
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let parent: Record<string, unknown> = doc;
    for (const k of keys) {
      const next = parent[k];
      if (typeof next !== 'object' || next === null) throw new Error(`path ${op.path} does not exist`);
      parent = next as Record<string, unknown>;
    }
    if (op.op === 'replace') {
      if (!(last in parent)) throw new Error(`replace: ${op.path} does not exist`);
      parent[last] = op.value;
    } else if (op.op === 'add') parent[last] = op.value;
    else if (op.op === 'remove') {
      if (!(last in parent)) throw new Error(`remove: ${op.path} does not exist`);
      delete parent[last];
    } else if (op.op === 'test') {
      if (JSON.stringify(parent[last]) !== JSON.stringify(op.value))
        throw new Error(`test failed at ${op.path}`);
    } else throw new Error(`unsupported op ${op.op}`);
  }
  return doc;
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

/** RFC 7386 JSON merge patch (a strategic merge patch of these fields means the same). */
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

/** Writes `{"type":"ADDED","object":{"x":"aaa…` with no end, as fast as the client reads. */
function endlessLine(res: ServerResponse): void {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  res.write('{"type":"ADDED","object":{"metadata":{"name":"');
  const more = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on('drain', more);
  more();
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
