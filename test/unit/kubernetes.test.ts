import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { isDns1123Label, isDns1123Subdomain, revisionNumber } from '../../src/sources/kubernetesApi';
import { podStatus } from '../../src/sources/mappings/pod';
import { RolloutTracker } from '../../src/sources/mappings/rollouts';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { containerRow } from '../../views/rows';

const T0 = Date.UTC(2026, 10, 21, 2, 0, 0);

describe('Kubernetes rollouts', () => {
  it('a ReplicaSet of a higher revision with another image is a release, with its change-cause', () => {
    const now = T0 + 3_600_000;
    const rs = (revision: number, image: string, created: number, cause?: string) => ({
      metadata: {
        namespace: 'shop',
        name: `api-${revision}`,
        creationTimestamp: new Date(created).toISOString(),
        annotations: {
          'deployment.kubernetes.io/revision': String(revision),
          ...(cause && { 'kubernetes.io/change-cause': cause }),
        },
        ownerReferences: [{ kind: 'Deployment', name: 'api' }],
      },
      spec: { template: { spec: { containers: [{ image }] } } },
    });
    const t = new RolloutTracker('prod');
    expect(t.seen(rs(1, 'registry/api:v1.4.2', now - 86_400_000), now)).toBeUndefined();
    expect(t.seen(rs(2, 'registry/api:v1.5.0', now - 60_000, 'deploy v1.5.0'), now)).toEqual({
      type: 'release',
      service: 'api',
      host: 'prod',
      from: 'v1.4.2',
      to: 'v1.5.0',
      at: now - 60_000,
      reason: 'revision 2: deploy v1.5.0',
    });
    // An older revision seen later (a rollback re-uses its ReplicaSet) is not a new rollout here.
    expect(t.seen(rs(1, 'registry/api:v1.4.2', now - 86_400_000), now)).toBeUndefined();
    // A revision long past when first seen is history, not a release.
    const fresh = new RolloutTracker('prod');
    fresh.seen(rs(1, 'registry/api:v1.4.2', now - 86_400_000), now);
    expect(fresh.seen(rs(2, 'registry/api:v1.5.0', now - 2 * 3_600_000), now)).toBeUndefined();
  });
});

describe('pods in the containers pane', () => {
  it('say why they do not run: a pending pod its scheduling reason, a waiting container its own', () => {
    const pending = podStatus(
      {
        metadata: {
          name: 'api-7d-x',
          namespace: 'shop',
          labels: { 'pod-template-hash': '7d' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'api-7d' }],
        },
        spec: { containers: [{ name: 'api', image: 'registry/api:v1.5.0' }] },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      },
      'prod',
    );
    expect(pending).toMatchObject({
      state: 'starting',
      reason: 'Unschedulable',
      compose: { project: 'shop', service: 'api' },
      version: 'v1.5.0',
    });
    expect(containerRow(pending, T0, 80)).toMatch(/^api-7d-x\s+Unschedul/);
    const pulling = podStatus(
      {
        metadata: { name: 'w-1', namespace: 'shop' },
        status: {
          phase: 'Pending',
          containerStatuses: [
            { ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
          ],
        },
      },
      'prod',
    );
    expect(pulling.reason).toBe('ImagePullBackOff');
  });
});

describe('a large cluster', () => {
  it('50,000 pods in one list make one flush that keeps them all (a copy per pod made it quadratic: 150 s)', () => {
    const store = createConsoleStore('k8s');
    const ingest = createIngest({ store, logs: new LogBuffer(10), thresholds: DEFAULT_THRESHOLDS });
    for (let i = 0; i < 50_000; i++)
      ingest.sink({
        type: 'container',
        status: podStatus(
          {
            metadata: {
              name: `svc-${i % 5000}-abc12-p${i}`,
              namespace: `ns-${i % 50}`,
              labels: { 'pod-template-hash': 'abc12' },
              ownerReferences: [{ kind: 'ReplicaSet', name: `svc-${i % 5000}-abc12` }],
            },
            status: { phase: 'Running' },
          },
          'prod',
        ),
      });
    ingest.sink({ type: 'container-removed', id: 'prod/ns-0/svc-0-abc12-p0' });
    ingest.flush();
    const containers = Object.values(store.getState().containers);
    expect(containers).toHaveLength(49_999);
    expect(containers[0]?.compose).toEqual({ project: 'ns-1', service: 'svc-1' });
  });
});

describe('Kubernetes grammar', () => {
  it('a revision is a positive decimal integer, as the controller writes it', () => {
    expect(revisionNumber('12')).toBe(12);
    for (const bad of [' 0x1 ', '0x1', '-5', '0', '01', '1e3', '1.0', '', ' 3', '99999999999999999'])
      expect(revisionNumber(bad)).toBeUndefined();
  });

  it('a namespace is a DNS-1123 label, a name a DNS-1123 subdomain', () => {
    for (const ns of ['..', '.', '', 'Shop', '-a', 'a-', 'a.b', 'a'.repeat(64)])
      expect(isDns1123Label(ns)).toBe(false);
    expect(isDns1123Label('shop-2')).toBe(true);
    for (const name of ['..', 'a..b', '.a', 'A', 'a_b']) expect(isDns1123Subdomain(name)).toBe(false);
    expect(isDns1123Subdomain('api.v2-canary')).toBe(true);
  });

  it('a pod-template-hash is text to compare, never a pattern to compile', () => {
    const pod = (hash: string, owner: string) =>
      podStatus(
        {
          metadata: {
            name: 'p',
            namespace: 'shop',
            labels: { 'pod-template-hash': hash },
            ownerReferences: [{ kind: 'ReplicaSet', name: owner }],
          },
        },
        'prod',
      ).compose?.service;
    expect(pod('(a+)+$', `api-${'a'.repeat(30)}!`)).toBe(`api-${'a'.repeat(30)}!`);
    expect(pod('.*', 'api-xyz')).toBe('api-xyz');
    expect(pod('7d9f', 'api-7d9f')).toBe('api');
  });
});
