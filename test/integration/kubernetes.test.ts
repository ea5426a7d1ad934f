import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { kubernetesSource } from '../../src/sources/kubernetesSource';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { runCli } from '../helpers/cli';
import { startFakeCluster } from '../helpers/fakeCluster';
import { type FakeKubernetesApi, workload } from '../helpers/fakeKubernetesApi';
import { waitUntil } from '../helpers/processes';

let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
let api: FakeKubernetesApi;
let kubeconfig: string;
const zeroConfig = () => cluster.zeroConfig();
const kubectl = (...args: string[]) => cluster.kubectl(...args);

beforeAll(async () => {
  cluster = await startFakeCluster();
  api = cluster.api;
  kubeconfig = cluster.kubeconfig;
  workload(api, {
    namespace: 'shop',
    name: 'api',
    image: 'registry/api:v1.4.2',
    revision: 1,
    replicas: 2,
    changeCause: 'deploy v1.4.2',
  });
  workload(api, {
    namespace: 'shop',
    name: 'worker',
    image: 'registry/worker:v0.9.7',
    revision: 1,
    replicas: 1,
    podState: 'crashloop',
    restarts: 7,
  });
});

afterAll(async () => {
  await api.stop();
});

interface Row {
  name: string;
  host: string;
  state: string;
  restarts: number;
  version?: string;
  compose: { project: string; service: string };
}

describe('Kubernetes through a FAKE API server (no real one can run here), held to a real kubectl', () => {
  it('with no configuration, watches the kubeconfig’s current context: the pods kubectl lists, by namespace and workload', async () => {
    const r = await runCli(['status', '--json', '--sample', '2s'], zeroConfig());
    const rows = (JSON.parse(r.stdout).containers as Row[]).sort((a, b) => a.name.localeCompare(b.name));
    const listed = JSON.parse(await kubectl('get', 'pods', '-o', 'json')) as {
      items: { metadata: { name: string } }[];
    };
    expect(rows.map((p) => p.name)).toEqual(listed.items.map((p) => p.metadata.name).sort());
    expect(rows.map((p) => [p.compose.project, p.compose.service, p.host])).toEqual([
      ['shop', 'api', 'fake'],
      ['shop', 'api', 'fake'],
      ['shop', 'worker', 'fake'],
    ]);
    // The crash-looping pod: restarting, with its restarts and the reason it gives.
    expect(rows.find((p) => p.compose.service === 'worker')).toMatchObject({
      state: 'restarting',
      restarts: 7,
      reason: 'CrashLoopBackOff',
    });
    expect(await kubectl('rollout', 'history', 'deployment/api')).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+deploy v1\.4\.2/,
    );
  });

  it('--namespace and --context narrow the watch as kubectl’s flags do', async () => {
    workload(api, { namespace: 'tools', name: 'ops', image: 'registry/ops:v3', revision: 1, replicas: 1 });
    const r = await runCli(
      ['status', '--json', '--sample', '2s', '--namespace', 'tools', '--context', 'fake'],
      zeroConfig(),
    );
    const rows = JSON.parse(r.stdout).containers as Row[];
    expect(rows.map((p) => [p.compose.project, p.compose.service])).toEqual([['tools', 'ops']]);
    const listed = JSON.parse(await kubectl('get', 'pods', '-n', 'tools', '-o', 'json')) as {
      items: { metadata: { name: string } }[];
    };
    expect(rows.map((p) => p.name)).toEqual(listed.items.map((p) => p.metadata.name));
    api.remove('pods', 'tools', rows[0]?.name as string);
  });

  it('watches, not polls: a rollout to a new image is a release, and the watch survives a cut and a 410 Gone', async () => {
    const store = createConsoleStore('k8s');
    const ingest = createIngest({
      store,
      logs: new LogBuffer(100),
      thresholds: DEFAULT_THRESHOLDS,
      reorderWindowMs: 0,
    });
    const source = kubernetesSource({ kubeconfig }, ingest.sink);
    source.start();
    const until = (what: string, ok: () => boolean) => waitUntil(ok, 20_000, what, () => ingest.flush());
    const pods = () => Object.values(store.getState().containers);
    await until('the pods', () => pods().length === 3);
    await until('the ReplicaSets watched', () =>
      api.requests.some((r) => r.includes('/replicasets?') && r.includes('watch=')),
    );
    const before = api.requests.length;
    // The rollout: revision 2 on a new image; the old ReplicaSet's pods go.
    workload(api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v1.5.0',
      revision: 2,
      replicas: 2,
      changeCause: 'deploy v1.5.0',
    });
    for (const p of pods().filter((x) => x.version === 'v1.4.2')) api.remove('pods', 'shop', p.name);
    await until(
      'the new pods',
      () => pods().filter((p) => p.version === 'v1.5.0').length === 2 && pods().length === 3,
    );
    // Seen through the open watch: no list request since.
    expect(
      api.requests.slice(before).filter((r) => r.startsWith('GET /api/v1/pods') && !r.includes('watch=')),
    ).toEqual([]);
    await until('the release', () =>
      store
        .getState()
        .incident.events.some(
          (e) => e.kind === 'release' && e.data.service === 'api' && e.data.to === 'v1.5.0',
        ),
    );
    const release = store.getState().incident.events.find((e) => e.kind === 'release');
    // Seen by the ReplicaSet watch (revision 2: deploy v1.5.0) or by the new pods, whichever came first.
    expect(release?.text).toMatch(/^api v1\.4\.2 → v1\.5\.0 \(/);
    expect(await kubectl('rollout', 'history', 'deployment/api')).toMatch(/2\s+deploy v1\.5\.0/);
    // The stream is cut and the history compacted: the client re-lists (410 Gone) and goes on.
    const cutAt = api.requests.length;
    api.cutWatches();
    workload(api, {
      namespace: 'shop',
      name: 'cart',
      image: 'registry/cart:v2.0.0',
      revision: 1,
      replicas: 1,
    });
    // What happened while it was away is forgotten: its resourceVersion is now too old (410 Gone).
    api.compact();
    await until('a pod created after the cut', () => pods().some((p) => p.compose?.service === 'cart'));
    // Events: the notable ones reach the timeline while they live, their words made inert.
    const event = (name: string, reason: string, message: string, count: number) =>
      api.apply('events', {
        metadata: { namespace: 'shop', name },
        involvedObject: { kind: 'Pod', name: 'worker-pod', namespace: 'shop' },
        reason,
        message,
        count,
        type: reason === 'Scheduled' ? 'Normal' : 'Warning',
        lastTimestamp: new Date().toISOString(),
      });
    event('e1', 'Scheduled', 'Successfully assigned shop/worker-pod to node-1', 1);
    event('e2', 'BackOff', 'Back-off restarting failed container \u001b[2J\u001b]52;c;aGk=\u0007', 5);
    await until('the BackOff event', () =>
      store.getState().incident.events.some((e) => e.kind === 'cluster-event'),
    );
    const shown = store.getState().incident.events.filter((e) => e.kind === 'cluster-event');
    expect(shown.map((e) => e.kind === 'cluster-event' && e.data.reason)).toEqual(['BackOff']);
    expect(shown[0]?.text).toMatch(
      /^shop\/Pod\/worker-pod: BackOff ×5 — Back-off restarting failed container/,
    );
    expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(shown[0]?.text ?? '')).toBe(false);
    // It listed again (the old resourceVersion was gone) before watching on.
    expect(
      api.requests.slice(cutAt).some((r) => r.startsWith('GET /api/v1/pods') && !r.includes('watch=')),
    ).toBe(true);
    source.stop();
    // A watch that goes silent without closing is re-listed by the watchdog (here after 1 s).
    const podWatches = () =>
      api.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && r.includes('watch=')).length;
    const watchesBefore = podWatches();
    const watched = kubernetesSource({ kubeconfig, watchdogMs: 1000 }, ingest.sink);
    watched.start();
    await until('watching again', () => podWatches() > watchesBefore);
    api.muteWatches();
    workload(api, {
      namespace: 'shop',
      name: 'search',
      image: 'registry/search:v1.0.0',
      revision: 1,
      replicas: 1,
    });
    await until('a pod created while the watch was silent', () =>
      pods().some((p) => p.compose?.service === 'search'),
    );
    watched.stop();
  });
});
