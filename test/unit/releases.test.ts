import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { evaluateCondition } from '../../src/playbooks/evaluateCondition';
import { ReleaseDetector } from '../../src/store/releaseDetector';

const T0 = Date.UTC(2026, 10, 22, 3);

function container(over: Partial<ContainerStatus>): ContainerStatus {
  return {
    id: 'local/shop-api-1',
    name: 'shop-api-1',
    host: 'local',
    kind: 'docker',
    state: 'running',
    health: 'none',
    restarts: 0,
    compose: { project: 'shop', service: 'api' },
    image: 'shop/api:1.4.2',
    version: '1.4.2',
    imageId: 'sha256:aaaaaaaaaaaa1111',
    ...over,
  };
}

describe('releases seen in the data', () => {
  it('a container of the same service recreated with another tag is a release, from → to, with the evidence', () => {
    const d = new ReleaseDetector();
    expect(d.container(container({}), T0)).toBeUndefined();
    expect(d.container(container({ cpuPercent: 3 }), T0 + 1000)).toBeUndefined();
    const r = d.container(
      container({
        id: 'local/shop-api-2',
        name: 'shop-api-2',
        image: 'shop/api:1.5.0',
        version: '1.5.0',
        imageId: 'sha256:bbbb',
      }),
      T0 + 60_000,
    );
    expect(r?.data).toEqual({
      service: 'api',
      host: 'local',
      from: '1.4.2',
      to: '1.5.0',
      reason: 'shop-api-2 recreated from shop/api:1.4.2 with shop/api:1.5.0',
      // A compose rollback retags the previous image by its id.
      fromImageId: 'sha256:aaaaaaaaaaaa1111',
      toImageId: 'sha256:bbbb',
    });
    expect(r?.at).toBe(T0 + 60_000);
  });

  it('a new digest under the same tag is a release too; an OCI version label change as well', () => {
    const d = new ReleaseDetector();
    d.container(container({ image: 'shop/api:latest', version: 'latest' }), T0);
    const retag = d.container(
      container({ image: 'shop/api:latest', version: 'latest', imageId: 'sha256:cccccccccccc9999' }),
      T0 + 1,
    );
    expect(retag?.data).toMatchObject({ from: 'latest (aaaaaaaaaaaa)', to: 'latest (cccccccccccc)' });
    const labelled = d.container(
      container({ image: 'shop/api:latest', version: '2.0.0', imageId: 'sha256:cccccccccccc9999' }),
      T0 + 2,
    );
    expect(labelled?.data).toMatchObject({
      from: 'latest',
      to: '2.0.0',
      reason: 'shop-api-1 now labels version 2.0.0',
    });
  });

  it('a version the health endpoint reports, and one release however many sources see it', () => {
    const d = new ReleaseDetector();
    expect(d.reportedVersion('api', 'http://api/health', 'v1', T0)).toBeUndefined();
    const r = d.reportedVersion('api', 'http://api/health', 'v2', T0 + 5000);
    expect(r?.data).toMatchObject({ service: 'api', from: 'v1', to: 'v2' });
    expect(
      d.announced({ service: 'api', host: 'demo', from: 'v1', to: 'v2', reason: 'deploy' }, T0 + 6000),
    ).toBeUndefined();
    expect(
      d.announced({ service: 'api', host: 'demo', from: 'v2', to: 'v3', reason: 'deploy' }, T0 + 9000),
    ).toBeDefined();
  });

  it('going back to a version the service ran before is a rollback, and its evidence says so', () => {
    const d = new ReleaseDetector();
    d.container(container({}), T0);
    const deploy = d.container(
      container({ id: 'local/shop-api-2', name: 'shop-api-2', image: 'shop/api:1.5.0', version: '1.5.0' }),
      T0 + 60_000,
    );
    expect(deploy?.data.rollback).toBeUndefined();
    const back = d.container(
      container({ id: 'local/shop-api-3', name: 'shop-api-3', image: 'shop/api:1.4.2', version: '1.4.2' }),
      T0 + 120_000,
    );
    expect(back?.data).toMatchObject({ from: '1.5.0', to: '1.4.2', rollback: true });
    expect(back?.text).toMatch(/a rollback to 1\.4\.2, which ran before/);
    // Announced releases too: the demo's `from` of an earlier deploy counts as having run.
    const a = new ReleaseDetector();
    a.announced({ service: 'api', host: 'demo', from: 'v1.4.2', to: 'v1.5.0', reason: 'deploy' }, T0);
    const undo = a.announced(
      { service: 'api', host: 'demo', from: 'v1.5.0', to: 'v1.4.2', reason: 'rollback' },
      T0 + 1,
    );
    expect(undo?.data.rollback).toBe(true);
    expect(
      a.announced({ service: 'api', host: 'demo', from: 'v1.4.2', to: 'v1.6.0', reason: 'deploy' }, T0 + 2)
        ?.data.rollback,
    ).toBeUndefined();
  });

  it('supervised processes announce their own releases; the detector only marks them watched', () => {
    const d = new ReleaseDetector();
    d.container(container({ kind: 'process', compose: undefined, name: 'api' }), T0);
    expect(
      d.container(container({ kind: 'process', compose: undefined, name: 'api', version: '9' }), T0 + 1),
    ).toBeUndefined();
    expect(d.watchedSince.get('api')).toBe(T0);
  });
});

describe('"deployed within" is answered from what was watched, never from uptime', () => {
  const condition = { deployedWithin: { minutes: 60 } };
  const base = { ratio: {}, rules: {} };
  it('unknown for a service not watched for the whole window', () => {
    const e = evaluateCondition(condition, {
      now: T0,
      services: { api: { ...base, releasesWatchedSince: T0 - 30 * 60_000 } },
    });
    expect(e.verdict).toBe('unknown');
    expect(e.evidence.join(' ')).toMatch(/not watched for releases for the last 60m/);
  });
  it('no for a service watched all along without a release; yes after one', () => {
    const watched = { ...base, releasesWatchedSince: T0 - 2 * 3_600_000 };
    expect(evaluateCondition(condition, { now: T0, services: { api: watched } }).verdict).toBe('no');
    const released = { ...watched, lastReleaseAt: T0 - 10 * 60_000 };
    const e = evaluateCondition(condition, { now: T0, services: { api: released } });
    expect(e.verdict).toBe('yes');
    expect(e.evidence).toEqual(['api released 10m ago']);
  });
});

describe('a Kubernetes rollout is a release of its workload', () => {
  it('new pods of a deployment with another image, from `kubectl get pods -o json`', async () => {
    const { kubectlPods } = await import('../../src/sources/commandStatusMappings');
    const pod = (name: string, rs: string, image: string, start: string) => ({
      metadata: {
        name,
        namespace: 'prod',
        // As the ReplicaSet controller labels every pod it makes (and kubectl prints it).
        labels: { 'pod-template-hash': rs.slice(rs.lastIndexOf('-') + 1) },
        ownerReferences: [{ kind: 'ReplicaSet', name: rs }],
      },
      spec: { containers: [{ image }] },
      status: {
        phase: 'Running',
        startTime: start,
        containerStatuses: [{ ready: true, restartCount: 0, state: {} }],
      },
    });
    const d = new ReleaseDetector();
    const before = kubectlPods(
      { items: [pod('api-7d9c8b5f6-abcde', 'api-7d9c8b5f6', 'reg/api:1.4.2', '2026-11-22T02:00:00Z')] },
      'k8s',
    );
    for (const s of before) expect(d.container(s, T0)).toBeUndefined();
    expect(before[0]?.compose).toEqual({ project: 'prod', service: 'api' });
    const after = kubectlPods(
      { items: [pod('api-55f6c7d8b9-xyz12', 'api-55f6c7d8b9', 'reg/api:1.5.0', '2026-11-22T03:10:00Z')] },
      'k8s',
    );
    const r = d.container(after[0] as ContainerStatus, T0 + 60_000);
    expect(r?.data).toMatchObject({ service: 'api', from: '1.4.2', to: '1.5.0', host: 'k8s' });
    expect(r?.at).toBe(Date.parse('2026-11-22T03:10:00Z'));
  });
});
