import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { runCli } from '../helpers/cli';
import { startFakeCluster } from '../helpers/fakeCluster';
import { workload } from '../helpers/fakeKubernetesApi';
import { waitUntil } from '../helpers/processes';

let cluster: Awaited<ReturnType<typeof startFakeCluster>>;

beforeAll(async () => {
  cluster = await startFakeCluster();
  workload(cluster.api, {
    namespace: 'shop',
    name: 'api',
    image: 'registry/api:v1.4.2',
    revision: 1,
    replicas: 2,
  });
});

afterAll(async () => {
  await cluster.api.stop();
});

/** A patch as sent, without what differs by sender and moment (kubectl's timeout, the value set). */
const shape = (p: { path: string; contentType: string; body: unknown } | undefined) => ({
  path: p?.path.replace(/[?&]timeout=\d+s/, ''),
  contentType: p?.contentType,
  body: JSON.stringify(p?.body)
    .replace(/restartedAt":"[^"]+"/, 'restartedAt":"T"')
    .replace(/"replicas":\d+/, '"replicas":N'),
});

describe('opsconsole workload (the FAKE Kubernetes API, held to the real kubectl)', () => {
  const cli = (...args: string[]) => runCli(['workload', ...args], cluster.zeroConfig());

  it('scales as kubectl scale does, journaled into the open incident, and asks first', async () => {
    const id = (
      await runCli(['incident', 'declare', '--title', 'api slow', '--severity', 'P2'], cluster.zeroConfig())
    ).stdout.trim();
    await cluster.kubectl('scale', 'deployment/api', '--replicas=3', '-n', 'shop');
    const kubectls = cluster.api.patches.at(-1);
    const refused = await cli('scale', 'deployment/api', '--replicas', '4', '-n', 'shop');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /scale deployment\/api in shop to 4 replicas: refused without a terminal[\s\S]*--yes/,
    );
    expect(cluster.api.patches.at(-1)).toBe(kubectls);
    const r = await cli('scale', 'deployment/api', '--replicas', '4', '-n', 'shop', '--yes');
    expect([r.code, r.stdout]).toEqual([0, 'shop: deployment.apps/api scaled to 4\n']);
    expect(shape(cluster.api.patches.at(-1))).toEqual(shape(kubectls));
    expect(cluster.api.get('deployments', 'shop', 'api')?.spec).toMatchObject({ replicas: 4 });
    const steps = readJournal(
      new IncidentRepository(cluster.zeroConfig().env.OPSCONSOLE_STATE_DIR).pathOf(id),
    ).records.filter((x) => x.kind === 'step.intent' || x.kind === 'step.result');
    expect(steps.map((x) => [x.kind, (x.payload as { argv?: string[] }).argv?.join(' ')])).toEqual([
      ['step.intent', 'kubectl scale deployment/api --replicas=4 -n shop'],
      ['step.result', undefined],
    ]);
  });

  it('restarts as kubectl rollout restart does: the same patch, and the controller rolls a new ReplicaSet', async () => {
    await cluster.kubectl('rollout', 'restart', 'deployment/api', '-n', 'shop');
    const kubectls = cluster.api.patches.at(-1);
    // restartedAt is to the second, as kubectl writes it: a second restart within the same second
    // leaves the template as it was, and no ReplicaSet is rolled (kubectl's own behaviour).
    const second = JSON.stringify(kubectls?.body).match(/restartedAt":"([^"]+)"/)?.[1];
    await waitUntil(
      () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') !== second,
      5_000,
      'the next second',
    );
    const r = await cli('restart', 'deploy/api', '-n', 'shop');
    expect([r.code, r.stdout]).toEqual([0, 'shop: deployment.apps/api restarted\n']);
    const ours = cluster.api.patches.at(-1);
    expect(shape(ours)).toEqual(shape(kubectls));
    expect(JSON.stringify(ours?.body)).toMatch(/restartedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(await cluster.kubectl('rollout', 'history', 'deployment/api', '-n', 'shop')).toMatch(/\n3\s/);
  });

  it('deletes a pod as kubectl delete pod does, asks first, and its ReplicaSet starts another', async () => {
    const pods = async () => (await cluster.kubectl('get', 'pods', '-n', 'shop', '-o', 'name')).split('\n');
    const [first, second] = (await pods()).map((p) => p.replace('pod/', ''));
    await cluster.kubectl('delete', 'pod', first as string, '-n', 'shop', '--wait=false');
    const kubectls = cluster.api.deletes.at(-1);
    const refused = await cli('delete', `pod/${second}`, '-n', 'shop');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/delete pod\/\S+ in shop: refused without a terminal[\s\S]*--yes/);
    expect(cluster.api.deletes.at(-1)).toBe(kubectls);
    const r = await cli('delete', `pod/${second}`, '-n', 'shop', '--yes');
    expect([r.code, r.stdout]).toEqual([0, `shop: pod "${second}" deleted\n`]);
    // The same request but for the pod's name: method, path, content type and DeleteOptions.
    const shapeOf = (d: typeof kubectls, name: string | undefined) => ({
      ...d,
      path: d?.path.replace(/[?&]timeout=\d+s/, '').replace(name ?? '', 'POD'),
    });
    expect(shapeOf(cluster.api.deletes.at(-1), second)).toEqual(shapeOf(kubectls, first));
    expect(cluster.api.get('pods', 'shop', second as string)).toBeUndefined();
    expect((await pods()).filter(Boolean)).toHaveLength(2);
    const bad = await cli('delete', 'deployment/api', '--yes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"deployment\/api" is not pod\/NAME/);
  });

  it('--dry-run sends a server dry run without asking: validated, answered, nothing stored, journaled as a dry run', async () => {
    const id = (
      await runCli(['incident', 'declare', '--title', 'dry', '--severity', 'P3'], cluster.zeroConfig())
    ).stdout.trim();
    const replicasNow = () =>
      (cluster.api.get('deployments', 'shop', 'api')?.spec as { replicas?: number } | undefined)?.replicas;
    const replicas = replicasNow();
    const r = await cli(
      'scale',
      'deployment/api',
      '--replicas',
      '9',
      '-n',
      'shop',
      '--dry-run',
      '--incident',
      id,
    );
    expect([r.code, r.stdout]).toEqual([0, 'shop: deployment.apps/api scaled to 9 (server dry run)\n']);
    expect(cluster.api.patches.at(-1)?.path).toMatch(/[?&]dryRun=All/);
    expect(replicasNow()).toBe(replicas);
    const [pod] = (await cluster.kubectl('get', 'pods', '-n', 'shop', '-o', 'name')).split('\n');
    const name = (pod ?? '').replace('pod/', '');
    const d = await cli('delete', `pod/${name}`, '-n', 'shop', '--dry-run', '--incident', id);
    expect([d.code, d.stdout]).toEqual([0, `shop: pod "${name}" deleted (server dry run)\n`]);
    expect(cluster.api.get('pods', 'shop', name)).toBeDefined();
    const intents = readJournal(
      new IncidentRepository(cluster.zeroConfig().env.OPSCONSOLE_STATE_DIR).pathOf(id),
    )
      .records.filter((x) => x.kind === 'step.intent')
      .map((x) => x.payload as { argv: string[]; dryRun: boolean });
    expect(intents.map((p) => [p.argv.join(' '), p.dryRun])).toEqual([
      ['kubectl scale deployment/api --replicas=9 -n shop --dry-run=server', true],
      [`kubectl delete pod ${name} -n shop --dry-run=server`, true],
    ]);
  });

  it('says what the API answered, and refuses what is not a workload, with exit 2', async () => {
    const missing = await cli('restart', 'deployment/nope', '-n', 'shop');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^shop: the Kubernetes API answered HTTP 404/);
    const bad = await cli('restart', 'pod/api-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"pod\/api-1" is not deployment\/NAME or statefulset\/NAME/);
    const noCount = await cli('scale', 'deployment/api', '--replicas', 'lots', '--yes');
    expect(noCount.code).toBe(2);
    expect(noCount.stderr).toMatch(/--replicas: expected a whole number of replicas; got "lots"/);
  });
});
