import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { RecordKind } from '../../src/model/journalRecord';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
import { liveFactsFrom } from '../../src/session/liveFacts';
import { kubernetesSource } from '../../src/sources/kubernetesSource';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { containerRowsOf } from '../../src/store/paneRows';
import { localTarget } from '../../src/transport/localCommand';
import { BIN, runCli } from '../helpers/cli';
import { startFakeCluster } from '../helpers/fakeCluster';
import { workload } from '../helpers/fakeKubernetesApi';
import { shipped } from '../helpers/playbookWalk';
import { waitUntil } from '../helpers/processes';

let cluster: Awaited<ReturnType<typeof startFakeCluster>>;

beforeAll(async () => {
  cluster = await startFakeCluster();
  const { api } = cluster;
  workload(api, {
    namespace: 'shop',
    name: 'api',
    image: 'registry/api:v1.4.2',
    revision: 1,
    replicas: 2,
    changeCause: 'deploy v1.4.2',
  });
  api.apply('statefulsets', {
    metadata: { namespace: 'shop', name: 'cache', generation: 1 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'cache' } } },
    status: {
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 1,
      updatedReplicas: 3,
      availableReplicas: 1,
    },
  });
  api.apply('daemonsets', {
    metadata: { namespace: 'ops', name: 'node-agent', generation: 1 },
    spec: { selector: { matchLabels: { app: 'node-agent' } } },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    },
  });
});

afterAll(async () => {
  await cluster.api.stop();
});

/** Consoles a test opened: stopped after it even when it failed, so the next one starts clean. */
const opened: { stop(): void }[] = [];
afterEach(async () => {
  for (const source of opened.splice(0)) source.stop();
  cluster.api.remove('pods', 'shop', 'api-late');
  await waitUntil(() => cluster.api.logStreams === 0, 10_000, 'every log stream closed');
});

/** Fields Go's structs write as zero values (kubectl sends them; the server defaults them the same). */
function withoutGoZeroValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutGoZeroValues);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).flatMap(([k, x]) =>
      x === null || (typeof x === 'object' && !Array.isArray(x) && Object.keys(x as object).length === 0)
        ? []
        : [[k, withoutGoZeroValues(x)]],
    ),
  );
}

function watchedConsole(options: { maxLogStreams?: number } = {}) {
  const store = createConsoleStore('k8s');
  const logs = new LogBuffer(1000);
  // A reorder window: the pods' lines arrive on separate streams and are merged by their times. Wide,
  // because on a loaded machine one stream's lines can come a second after another's.
  const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 2000 });
  const source = kubernetesSource({ kubeconfig: cluster.kubeconfig, ...options }, ingest.sink);
  source.start();
  opened.push(source);
  const until = (what: string, ok: () => boolean) => waitUntil(ok, 20_000, what, () => ingest.flush());
  const lines = (source = 'api') =>
    logs.ring
      .toArray()
      .filter((r) => r.source === source)
      .map((r) => r.text);
  return { store, source, until, lines };
}

describe('Kubernetes workloads, their logs and an audited rollback, through a FAKE API server held to a real kubectl', () => {
  it('shows one row per workload (ready/desired from its controller), as kubectl counts them', async () => {
    const c = watchedConsole({ maxLogStreams: 50 });
    await c.until('the three workloads', () => Object.keys(c.store.getState().workloads).length === 3);
    await c.until('the api pods', () => Object.keys(c.store.getState().containers).length === 2);
    const rows = containerRowsOf(c.store.getState()).map((r) =>
      r.kind === 'group' ? `[${r.label}]` : r.kind === 'workload' ? r.status.name : r.container.name,
    );
    // The StatefulSet short of ready replicas (and with no pod the console can see) comes first.
    expect(rows).toEqual(['[fake/shop]', 'cache 1/3', 'api 2/2', '[fake/ops]', 'node-agent 2/2']);
    const listed = JSON.parse(
      await cluster.kubectl('get', 'deployments,statefulsets,daemonsets', '-A', '-o', 'json'),
    ).items as {
      kind: string;
      metadata: { name: string };
      status: Record<string, number>;
      spec: { replicas?: number };
    }[];
    const kubectlCounts = listed
      .map((o) =>
        o.kind === 'DaemonSet'
          ? `${o.metadata.name} ${o.status.numberReady}/${o.status.desiredNumberScheduled}`
          : `${o.metadata.name} ${o.status.readyReplicas}/${o.spec.replicas}`,
      )
      .sort();
    expect(kubectlCounts).toEqual(['api 2/2', 'cache 1/3', 'node-agent 2/2']);
    // It asked for bookmarks on every watch, so a quiet resource resumes without a re-list.
    const watches = cluster.api.requests.filter((r) => r.includes('watch='));
    expect(watches.length).toBeGreaterThanOrEqual(6);
    expect(watches.every((r) => r.includes('allowWatchBookmarks=true'))).toBe(true);
    c.source.stop();
    await waitUntil(() => cluster.api.logStreams === 0, 10_000, 'its log streams closed');
  });

  it('follows every pod of a workload, merged by time, pods created later too; a cut stream resumes with a gap marker and the counts reconcile', async () => {
    const { api } = cluster;
    const c = watchedConsole();
    await c.until('both api pods streamed', () => api.logStreams === 2);
    const pods = Object.values(c.store.getState().containers)
      .map((p) => p.name)
      .sort();
    const t0 = Date.now() - 5000;
    const at = (ms: number) => new Date(t0 + ms);
    // Written out of order across the two pods: shown in the order they happened.
    api.log('shop', pods[1] as string, 'api', 'second request_id=r2 status=200', at(200));
    api.log('shop', pods[0] as string, 'api', 'first request_id=r1 status=200', at(100));
    api.log('shop', pods[1] as string, 'api', 'fourth request_id=r4 status=500', at(400));
    api.log('shop', pods[0] as string, 'api', 'third request_id=r3 status=200', at(300));
    await c.until('four lines', () => c.lines().length === 4);
    expect(c.lines().map((l) => l.split(' ')[0])).toEqual(['first', 'second', 'third', 'fourth']);
    // A pod created after the view opened is followed without asking.
    // Its sibling's labels and owner: the same workload.
    const sibling = api.get('pods', 'shop', pods[0] as string) as { metadata: Record<string, unknown> };
    api.apply('pods', {
      metadata: {
        namespace: 'shop',
        name: 'api-late',
        labels: sibling.metadata.labels,
        ownerReferences: sibling.metadata.ownerReferences,
      },
      spec: { containers: [{ name: 'api', image: 'registry/api:v1.4.2' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'api', ready: true, restartCount: 0, state: { running: {} } }],
      },
    });
    await c.until('the new pod streamed', () => api.logStreams === 3);
    api.log('shop', 'api-late', 'api', 'from the new pod');
    await c.until('its line', () => c.lines().includes('from the new pod'));
    // The kubelet's streams are cut: each resumes from its last second, the lines it had are
    // dropped, a marker says where the gap was, and nothing is shown twice.
    api.cutLogs();
    await c.until('the streams back', () => api.logStreams === 3);
    api.log('shop', pods[0] as string, 'api', 'after the cut');
    await c.until('the line after the cut', () => c.lines().includes('after the cut'));
    const shown = c.lines();
    expect(
      shown.filter((l) => l.startsWith('── api: ') && l.includes('reconnected')).length,
    ).toBeGreaterThanOrEqual(2);
    const real = shown.filter((l) => !l.startsWith('──'));
    expect(real).toEqual([...new Set(real)]);
    await c.until('the counts reported', () => (c.store.getState().logStreams?.shown ?? 0) >= 6);
    const counts = c.store.getState().logStreams;
    expect(counts?.duplicates).toBeGreaterThan(0);
    expect(counts?.received).toBe((counts?.shown ?? 0) + (counts?.duplicates ?? 0));
    c.source.stop();
    api.remove('pods', 'shop', 'api-late');
    await waitUntil(() => api.logStreams === 0, 10_000, 'the streams closed');
  });

  it('caps concurrent log streams, as stern does, and says so', async () => {
    const c = watchedConsole({ maxLogStreams: 1 });
    // The store reports the cap when the source decides; the fake sees the stream when its request
    // arrives, which can be later on a loaded machine: wait for both things the assertions read.
    await c.until(
      'the cap reported and the one allowed stream open',
      () => c.store.getState().logStreams?.wanted === 2 && cluster.api.logStreams === 1,
    );
    expect(c.store.getState().logStreams).toMatchObject({ streaming: 1, wanted: 2, cap: 1 });
    expect(cluster.api.logStreams).toBe(1);
    c.source.stop();
    await waitUntil(() => cluster.api.logStreams === 0, 10_000, 'its log stream closed');
  });

  it('rolls back as kubectl rollout undo would: plan, server dry run, typed confirmation, patch, journal, and verification watches the rollout complete', async () => {
    const { api, kubectl } = cluster;
    process.env.KUBECONFIG = cluster.kubeconfig;
    // The bad release: revision 2 on v1.5.0.
    workload(api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v1.5.0',
      revision: 2,
      replicas: 2,
      changeCause: 'deploy v1.5.0',
    });
    const c = watchedConsole({ maxLogStreams: 1 });
    await c.until('the rollout seen as a release', () =>
      c.store.getState().incident.events.some((e) => e.kind === 'release' && e.data.to === 'v1.5.0'),
    );
    const undo = (...args: string[]) =>
      runCli(['rollout', 'undo', 'deployment/api', '--namespace', 'shop', ...args], cluster.zeroConfig());
    // What kubectl's own rollback sends, asked as a server-side dry run (nothing is stored).
    await kubectl('rollout', 'undo', 'deployment/api', '-n', 'shop', '--dry-run=server');
    const kubectlPatch = api.patches.at(-1);
    expect(kubectlPatch?.path).toMatch(/dryRun=All/);
    // A tag other than the previous revision's is refused before anything is sent.
    const wrong = await undo('--expect', 'v1.3.0');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /runs api=registry\/api:v1\.4\.2, not v1\.3\.0 as confirmed; nothing was changed/,
    );
    const records: { kind: RecordKind; payload: Record<string, unknown> }[] = [];
    const run = new PlaybookRun(shipped('emergency-rollback'), {
      facts: () => liveFactsFrom(c.store.getState()),
      record: (kind, payload) => records.push({ kind, payload: payload as Record<string, unknown> }),
      targetFor: () => localTarget,
      values: {
        opsconsole: BIN,
        service: 'api',
        version: 'v1.4.2',
        namespace: 'shop',
        context: 'fake',
        host: 'local',
      },
      variant: 'kubernetes',
      onChange: () => {},
    });
    run.continue(); // the checklist
    expect(run.currentId).toBe('kubernetes-plan');
    const plan = await run.runStep();
    expect(plan.output).toMatch(/revision 2 → the template of revision 1/);
    expect(plan.output).toMatch(/image api=registry\/api:v1\.5\.0 → api=registry\/api:v1\.4\.2/);
    run.continue();
    expect(run.currentId).toBe('kubernetes-undo');
    expect(run.confirmationWord()).toBe('api');
    await expect(run.runStep('wrong')).rejects.toThrow(/type "api"/);
    const before = JSON.stringify(api.get('deployments', 'shop', 'api'));
    run.toggleDryRun();
    const dry = await run.runStep('api');
    expect(dry.output).toMatch(/server dry run: the API server accepted the patch/);
    expect(
      api.requests.some(
        (r) =>
          r.startsWith('PATCH /apis/apps/v1/namespaces/shop/deployments/api?') && r.includes('dryRun=All'),
      ),
    ).toBe(true);
    expect(JSON.stringify(api.get('deployments', 'shop', 'api'))).toBe(before);
    run.toggleDryRun();
    const applied = await run.runStep('api');
    expect([applied.exitCode, applied.output]).toEqual([0, expect.any(String)]);
    expect(applied.output).toMatch(/rolled back: deployment\/api now has the template of revision 1/);
    // The patch sent is kubectl's: the same type, the same operations (Go's zero values aside).
    const ours = api.patches.at(-1);
    expect(ours?.contentType).toBe(kubectlPatch?.contentType);
    expect(withoutGoZeroValues(ours?.body)).toEqual(withoutGoZeroValues(kubectlPatch?.body));
    const stored = api.get('deployments', 'shop', 'api') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(stored.spec.template.spec.containers[0]?.image).toBe('registry/api:v1.4.2');
    expect(
      records
        .filter((r) => r.kind === 'step.intent')
        .map((r) => [r.payload.dryRun, (r.payload.argv as string[]).at(-1)]),
    ).toEqual([
      [false, '--plan'],
      [true, '--dry-run=server'],
      [false, '--expect=v1.4.2'],
    ]);
    // kubectl agrees: revision 3 is the old template, with its change-cause.
    expect(await kubectl('rollout', 'history', 'deployment/api', '-n', 'shop')).toMatch(
      /2\s+deploy v1\.5\.0\n3\s+deploy v1\.4\.2/,
    );
    await c.until('the rollback seen as a release', () =>
      c.store
        .getState()
        .incident.events.some(
          (e) => e.kind === 'release' && e.data.from === 'v1.5.0' && e.data.to === 'v1.4.2',
        ),
    );
    // Verification watches the rollout: progressing until the controller has rolled the pods over.
    run.continue();
    expect(run.currentId).toBe('kubernetes-rolled-out');
    await c.until(
      'the rollout under way',
      () => c.store.getState().workloads['fake/shop/api']?.revision === 3,
    );
    run.tickVerify();
    expect(run.currentId).toBe('kubernetes-rolled-out');
    expect(run.view().verify?.evaluation.evidence.join()).toMatch(/0\/2 updated/);
    api.rollOver('shop', 'api');
    await c.until('verification passed', () => {
      run.tickVerify();
      return run.currentId !== 'kubernetes-rolled-out';
    });
    expect(records.find((r) => r.kind === 'verify.result')?.payload).toMatchObject({ passed: true });
    expect(run.currentId).toBe('health-green');
    // Nothing to do when the template already matches; a paused deployment is refused.
    const nothing = await undo('--to-revision', '3');
    expect([nothing.code, nothing.stdout]).toEqual([
      0,
      expect.stringMatching(/already matches revision 3; nothing to roll back/),
    ]);
    const current = api.get('deployments', 'shop', 'api') as {
      metadata: Record<string, unknown>;
      spec: object;
    };
    api.apply('deployments', { ...current, spec: { ...current.spec, paused: true } });
    const paused = await undo();
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(/is paused; .*resume it first/);
    c.source.stop();
  });

  it('says where it looked when there is no kubeconfig, with exit 2', async () => {
    const r = await runCli(['rollout', 'undo', 'deployment/api'], {
      ...cluster.zeroConfig(),
      env: { ...cluster.zeroConfig().env, KUBECONFIG: join(cluster.dir, 'missing', 'kubeconfig') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no kubeconfig at .*missing\/kubeconfig\n {2}fix: set KUBECONFIG/);
  });
});
