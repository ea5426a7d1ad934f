import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { kubernetesSource } from '../../src/sources/kubernetesSource';
import { runCli } from '../helpers/cli';
import { startFakeCluster } from '../helpers/fakeCluster';
import { workload } from '../helpers/fakeKubernetesApi';
import { waitUntil } from '../helpers/processes';

let cluster: Awaited<ReturnType<typeof startFakeCluster>> | undefined;
afterEach(async () => {
  await cluster?.api.stop();
  cluster = undefined;
});

interface Snapshot {
  containers: unknown[];
  sources: { id: string; state: string; reason?: string }[];
}

/** `status --json` against the fake; the sample is long enough for the lists to be read and refused. */
async function status(c: NonNullable<typeof cluster>, ...args: string[]) {
  const r = await runCli(['status', '--json', '--sample', '4s', ...args], {
    ...c.zeroConfig(),
    timeoutMs: 120_000,
  });
  expect(r.stderr).not.toMatch(/heap out of memory|Maximum call stack|at .*\.js:\d+/);
  return { code: r.code, snapshot: JSON.parse(r.stdout) as Snapshot };
}

const clusterSource = (s: Snapshot) => s.sources.find((x) => x.id.startsWith('kubernetes '));

describe('the Kubernetes client bounds what one answer may cost (a hostile API server, on the FAKE)', () => {
  it('an API that answers HTML with 200 everywhere is a failed source that says so, never connected with 0 pods', async () => {
    cluster = await startFakeCluster();
    workload(cluster.api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v1',
      revision: 1,
      replicas: 2,
    });
    cluster.api.answerHtml('<html><body>Welcome to nginx!</body></html>');
    const { snapshot } = await status(cluster);
    expect(clusterSource(snapshot)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/is not JSON \(it begins "<html><body>Welcome.*Kubernetes API\?/),
    });
    expect(snapshot.sources.some((s) => s.state === 'connected')).toBe(false);
  });

  it('a watch line with no newline is cut at 8 MiB and the source fails naming the limit (it exhausted the heap)', async () => {
    cluster = await startFakeCluster();
    workload(cluster.api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v1',
      revision: 1,
      replicas: 2,
    });
    cluster.api.endlessWatchLine('pods');
    const { snapshot } = await status(cluster);
    expect(clusterSource(snapshot)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /watch \/api\/v1\/pods sent a line longer than 8 MiB \(the limit per event\)/,
      ),
    });
  });

  it('a ReplicaSet list of 100 MB is refused at 64 MiB, naming the limit, and the pods still show', async () => {
    cluster = await startFakeCluster();
    workload(cluster.api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v1',
      revision: 1,
      replicas: 2,
    });
    const annotation = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 100; i++)
      cluster.api.apply('replicasets', {
        metadata: { namespace: 'shop', name: `big-${i}`, annotations: { big: annotation } },
        spec: {},
      });
    // In this process, to wait on the condition (100 MB take a while to send), not on a sample.
    const events: SourceEvent[] = [];
    const source = kubernetesSource({ kubeconfig: cluster.kubeconfig, logs: false }, (e) => events.push(e));
    source.start();
    try {
      const failed = () =>
        events.find((e) => e.type === 'source' && e.state === 'failed') as
          | Extract<SourceEvent, { type: 'source' }>
          | undefined;
      await waitUntil(() => failed() !== undefined, 90_000, 'the source to fail');
      expect(failed()?.reason).toMatch(
        /GET \/apis\/apps\/v1\/replicasets is larger than 64 MiB \(the limit per answer\)/,
      );
      await waitUntil(() => events.filter((e) => e.type === 'container').length === 2, 30_000, 'the pods');
      // Never said connected while the ReplicaSets are unreadable.
      const last = events.filter((e) => e.type === 'source').at(-1);
      expect(last).toMatchObject({ state: 'failed' });
    } finally {
      source.stop();
    }
  });
});

describe('rollout undo says what is wrong and where', () => {
  it('refuses namespaces and names outside the Kubernetes grammar before asking anything', async () => {
    cluster = await startFakeCluster();
    const before = cluster.api.requests.length;
    for (const ns of ['..', '.', 'Shop', '']) {
      const r = await runCli(['rollout', 'undo', 'deployment/api', '-n', ns, '--plan'], cluster.zeroConfig());
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`"${ns}" is not a namespace name`);
    }
    const r = await runCli(
      ['rollout', 'undo', 'deployment/a..b', '-n', 'shop', '--plan'],
      cluster.zeroConfig(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"a..b" is not a Deployment name');
    const revision = await runCli(
      ['rollout', 'undo', 'deployment/api', '--to-revision', ' 0x1 '],
      cluster.zeroConfig(),
    );
    expect(revision.code).toBe(2);
    expect(cluster.api.requests.slice(before)).toEqual([]);
  });

  it('a revision annotation that is not a positive decimal integer is not a revision', async () => {
    cluster = await startFakeCluster();
    workload(cluster.api, {
      namespace: 'shop',
      name: 'api',
      image: 'registry/api:v2',
      revision: 2,
      replicas: 1,
    });
    // The previous ReplicaSet, its revision written " 0x1 ": Number() read it as 1.
    const deployment = cluster.api.get('deployments', 'shop', 'api');
    cluster.api.apply('replicasets', {
      metadata: {
        namespace: 'shop',
        name: 'api-old',
        labels: { app: 'api' },
        annotations: { 'deployment.kubernetes.io/revision': ' 0x1 ' },
        ownerReferences: [
          { kind: 'Deployment', name: 'api', uid: deployment?.metadata.uid, controller: true },
        ],
      },
      spec: {
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'api', image: 'registry/api:v1' }] },
        },
      },
    });
    const r = await runCli(
      ['rollout', 'undo', 'deployment/api', '-n', 'shop', '--plan'],
      cluster.zeroConfig(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no rollout history for deployment/api: it has only revision 2');
  });

  it('a local failure is not blamed on the server: a kubeconfig with no current context is a usage error', async () => {
    cluster = await startFakeCluster();
    const { env, cwd } = cluster.zeroConfig();
    const kubeconfig = join(cluster.dir, 'no-context');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{ name: fake, cluster: { server: "${cluster.api.url}" } }]\n`,
    );
    const r = await runCli(['rollout', 'undo', 'deployment/api', '--plan'], {
      cwd,
      env: { ...env, KUBECONFIG: kubeconfig },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `the kubeconfig at ${kubeconfig} names no cluster for context "(none: current-context is not set)"`,
    );
    expect(r.stderr).not.toContain('the Kubernetes API said no');
    cluster.api.answerHtml('<html>proxy</html>');
    const html = await runCli(
      ['rollout', 'undo', 'deployment/api', '-n', 'shop', '--plan'],
      cluster.zeroConfig(),
    );
    expect(html.code).toBe(1);
    expect(html.stderr).toContain('GET /apis/apps/v1/namespaces/shop/deployments/api is not JSON');
    expect(html.stderr).not.toMatch(/said no|Cannot read properties/);
  });
});
