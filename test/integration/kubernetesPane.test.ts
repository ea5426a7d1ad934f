import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEngines } from '../../src/cli/containerEngines';
import { EnvironmentSchema } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { startEnvironmentSources } from '../../src/sources/environmentSources';
import { containerRowsOf } from '../../src/store/paneRows';
import { EnvironmentHosts } from '../../src/transport/environmentHosts';
import { startFakeCluster } from '../helpers/fakeCluster';
import { workload } from '../helpers/fakeKubernetesApi';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
let session: ConsoleSession;
const stateDir = mkdtempSync(join(tmpdir(), 'oc-k8s-pane-'));

beforeAll(async () => {
  cluster = await startFakeCluster();
  workload(cluster.api, {
    namespace: 'shop',
    name: 'api',
    image: 'registry/api:v1.4.2',
    revision: 1,
    replicas: 2,
  });
  const env = EnvironmentSchema.parse({
    hosts: {},
    services: {},
    kubernetes: { kubeconfig: cluster.kubeconfig, logs: false },
  });
  let hosts: EnvironmentHosts | undefined;
  session = startConsoleSession(
    bareSessionOptions('lab', stateDir, {
      containers: containerEngines(env, () => hosts),
      startSources: async (sink) => {
        hosts = new EnvironmentHosts(env, sink);
        return startEnvironmentSources(env, sink, hosts);
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await session?.stop();
  await cluster?.api.stop();
});

const state = () => session.store.getState();
const press = (...keys: string[]) => {
  for (const k of keys) session.controls.dispatch(k, k.length === 1 ? k : '');
};
const type = (text: string) => session.controls.dispatch(undefined, text);
/** Moves the containers pane's cursor to the first row that `is`. */
const select = (what: string, is: (r: ReturnType<typeof containerRowsOf>[number]) => boolean) => {
  const at = containerRowsOf(state()).findIndex(is);
  if (at < 0) throw new Error(`no row for ${what}`);
  const from = state().ui.containerCursor;
  for (let i = from; i < at; i++) press('down');
  for (let i = from; i > at; i--) press('up');
};
const described = () => state().ui.container?.described;
const steps = (id: string) =>
  readJournal(new IncidentRepository(stateDir).pathOf(id))
    .records.filter((r) => r.kind === 'step.intent')
    .map((r) => (r.payload as { argv: string[] }).argv.join(' '));
/** A request as sent, without what differs by sender and moment (kubectl's timeout, the pod, the time). */
const shape = (p: { path: string; contentType: string; body: unknown } | undefined, pod = '') => ({
  path: p?.path.replace(/[?&]timeout=\d+s/, '').replace(pod || '\0', 'POD'),
  contentType: p?.contentType,
  body: JSON.stringify(p?.body).replace(/restartedAt":"[^"]+"/, 'restartedAt":"T"'),
});

describe('the containers pane acts on a cluster (the FAKE Kubernetes API, held to the real kubectl)', () => {
  it('describes a workload, scales it with a dry run and the name typed, and restarts it asking twice', async () => {
    const incident = session.incident.declare('api pods crash', 'P2');
    await waitUntil(
      () => containerRowsOf(state()).some((r) => r.kind === 'workload' && r.status.name === 'api 2/2'),
      30_000,
      'the api workload row',
    );
    cluster.api.apply('events', {
      metadata: { namespace: 'shop', name: 'api.1' },
      involvedObject: { kind: 'Deployment', name: 'api', namespace: 'shop' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set api to 2',
      type: 'Normal',
      lastTimestamp: new Date().toISOString(),
    });
    press('1');
    select('the api workload', (r) => r.kind === 'workload');
    press('d');
    await waitUntil(() => described()?.kind === 'workload', 10_000, 'the workload described');
    const w = described();
    expect(
      w?.kind === 'workload' && [w.detail.replicas.desired, w.detail.events.map((e) => e.reason)],
    ).toEqual([2, ['ScalingReplicaSet']]);

    // Scale down: the count asked, the server's dry run shown, then the name typed.
    await cluster.kubectl('scale', 'deployment/api', '--replicas=2', '-n', 'shop');
    const kubectlScale = cluster.api.patches.at(-1);
    press('s');
    expect(state().ui.prompt).toMatchObject({ purpose: 'scale-workload', value: '2' });
    press('backspace');
    type('1');
    press('return');
    await waitUntil(() => state().ui.prompt?.purpose === 'confirm-container', 10_000, 'the confirmation');
    expect(state().ui.prompt?.details).toEqual([
      'runs: kubectl scale deployment/api --replicas=1 -n shop',
      'server dry run: deployment.apps/api scaled to 1 (server dry run)',
    ]);
    expect(cluster.api.get('deployments', 'shop', 'api')?.spec).toMatchObject({ replicas: 2 });
    type('api');
    press('return');
    await waitUntil(
      () => (cluster.api.get('deployments', 'shop', 'api')?.spec as { replicas?: number })?.replicas === 1,
      10_000,
      'the deployment scaled',
    );
    expect(shape(cluster.api.patches.at(-1))).toEqual({
      ...shape(kubectlScale),
      body: shape(kubectlScale).body.replace('"replicas":2', '"replicas":1'),
    });

    // A restart replaces every pod: the name, then "yes".
    await cluster.kubectl('rollout', 'restart', 'deployment/api', '-n', 'shop');
    const kubectlRestart = cluster.api.patches.at(-1);
    const before = cluster.api.patches.length;
    press('R');
    await waitUntil(
      () => state().ui.prompt?.purpose === 'confirm-container',
      10_000,
      'the first confirmation',
    );
    type('api');
    press('return');
    expect(state().ui.prompt?.purpose).toBe('confirm-container-again');
    expect(state().ui.prompt?.label).toMatch(/replaces every pod of api \(1\)[\s\S]*Type "yes"/);
    expect(cluster.api.patches.length).toBe(before + 1); // the dry run only
    type('yes');
    press('return');
    await waitUntil(() => cluster.api.patches.length === before + 2, 10_000, 'the restart sent');
    expect(shape(cluster.api.patches.at(-1))).toEqual(shape(kubectlRestart));
    await waitUntil(() => steps(incident.id).length === 2, 10_000, 'both journaled');
    expect(steps(incident.id)).toEqual([
      'kubectl scale deployment/api --replicas=1 -n shop',
      'kubectl rollout restart deployment/api -n shop',
    ]);
    press('escape');
  }, 90_000);

  it('describes a crashed pod with its events, shows its previous instance’s logs, and deletes it as kubectl does', async () => {
    const [other = '', pod = ''] = (await cluster.kubectl('get', 'pods', '-n', 'shop', '-o', 'name'))
      .split('\n')
      .map((p) => p.replace('pod/', ''));
    cluster.api.log('shop', pod, 'api', 'allocating cache for tenant 42');
    cluster.api.crash('shop', pod, 'api', { exitCode: 137, reason: 'OOMKilled' });
    cluster.api.log('shop', pod, 'api', 'starting api v1.4.2');
    cluster.api.apply('events', {
      metadata: { namespace: 'shop', name: `${pod}.1` },
      involvedObject: { kind: 'Pod', name: pod, namespace: 'shop' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container api',
      type: 'Warning',
      count: 3,
      lastTimestamp: new Date().toISOString(),
    });
    await waitUntil(
      () => containerRowsOf(state()).some((r) => r.kind === 'workload' && r.status.restarts === 1),
      10_000,
      'the restart counted',
    );
    select('the api workload', (r) => r.kind === 'workload');
    press('return');
    select(pod, (r) => r.kind === 'container' && r.container.name === pod);
    press('return');
    await waitUntil(() => described()?.kind === 'pod', 10_000, 'the pod described');
    const p = described();
    if (p?.kind !== 'pod') throw new Error('not a pod');
    expect(p.detail.containers[0]).toMatchObject({
      restarts: 1,
      last: { reason: 'OOMKilled', exitCode: 137 },
    });
    expect(p.detail.events.map((e) => `${e.reason} ×${e.count}`)).toEqual(['BackOff ×3']);

    press('l');
    await waitUntil(() => state().ui.container?.logs !== undefined, 10_000, 'its logs');
    expect(state().ui.container?.logs?.map((r) => r.text)).toEqual([
      '── api: its previous instance (OOMKilled, exit 137) ──',
      'allocating cache for tenant 42',
      '── api: now ──',
      'starting api v1.4.2',
    ]);
    press('l');

    await cluster.kubectl('delete', 'pod', other, '-n', 'shop', '--wait=false');
    const kubectls = cluster.api.deletes.at(-1);
    press('D');
    await waitUntil(() => state().ui.prompt?.purpose === 'confirm-container', 10_000, 'the confirmation');
    expect(state().ui.prompt?.details?.at(-1)).toBe(`server dry run: pod "${pod}" deleted (server dry run)`);
    expect(cluster.api.get('pods', 'shop', pod)).toBeDefined();
    type(pod);
    press('return');
    await waitUntil(() => cluster.api.get('pods', 'shop', pod) === undefined, 10_000, 'the pod deleted');
    expect(shape(cluster.api.deletes.at(-1), pod)).toEqual(shape(kubectls, other));
  }, 60_000);
});
