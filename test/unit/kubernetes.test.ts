import { describe, expect, it } from 'vitest';
import { podStatus, RolloutTracker } from '../../src/sources/kubernetesSource';
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
