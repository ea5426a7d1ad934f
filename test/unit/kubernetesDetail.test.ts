import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventLike } from '../../src/sources/mappings/clusterEvent';
import { type PodDetailLike, podDetail } from '../../src/sources/mappings/podDetail';
import { type WorkloadDetailLike, workloadDetail } from '../../src/sources/mappings/workloadDetail';
import { podDetailLines, workloadDetailLines } from '../../views/kubernetesDetailLines';

/** Answers of the API as its reference shapes them (`kubectl get -o json` prints the same). */
const recorded = <T>(name: string) =>
  JSON.parse(readFileSync(join('test', 'fixtures', 'kubernetes', name), 'utf8')) as T;
const events = recorded<{ items: EventLike[] }>('events-pod.json').items;

describe('a pod and its events as the describe view', () => {
  const d = podDetail('prod', recorded<PodDetailLike>('pod-oomkilled.json'), events);

  it('says why it is down: the waiting reason, the last run OOMKilled with exit 137, the failing condition', () => {
    expect(d).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      name: 'api-7d9c5b6f4-x2x7k',
      owner: 'ReplicaSet/api-7d9c5b6f4',
      phase: 'Running',
    });
    expect(d.containers[0]).toMatchObject({
      name: 'api',
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      restarts: 7,
      ready: false,
      last: { reason: 'OOMKilled', exitCode: 137, finishedAt: Date.parse('2026-11-21T03:13:01Z') },
      limits: [
        ['memory', '128Mi'],
        ['cpu', '500m'],
      ],
    });
    expect(d.containers[1]).toMatchObject({ name: 'envoy', state: 'running', ready: true, restarts: 0 });
    expect(d.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      ok: false,
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [api]',
    });
    const lines = podDetailLines(d);
    expect(lines).toContain('container api: waiting (CrashLoopBackOff), 7 restarts, not ready');
    expect(lines).toContain('  last run ended: OOMKilled, exit 137 at 03:13:01');
    expect(lines).toContain('  Ready: containers with unready status: [api]');
  });

  it('lists its events oldest first, each at its last time, an event with only eventTime too', () => {
    expect(d.events.map((e) => [e.reason, e.count, e.warning])).toEqual([
      ['Scheduled', 1, false],
      ['Pulled', 8, false],
      ['BackOff', 31, true],
    ]);
    expect(d.events[0]?.at).toBe(Date.parse('2026-11-21T02:58:40.118273Z'));
    expect(podDetailLines(d)).toContain(
      '  03:13:02 WARN BackOff ×31: Back-off restarting failed container api in pod api-7d9c5b6f4-x2x7k_shop',
    );
  });

  it('keeps what the server wrote inert: an escape in the node name is not sent to the terminal', () => {
    expect(d.node).not.toMatch(/\u001b/);
    expect(podDetailLines(d).join('\n')).not.toMatch(/\u001b/);
  });

  it('an empty pod reads as unknown, not as a crash', () => {
    const empty = podDetail('prod', {}, []);
    expect(empty).toMatchObject({
      name: '?',
      namespace: 'default',
      phase: 'Unknown',
      containers: [],
      events: [],
    });
    expect(podDetailLines(empty)).toContain('events: none (the API keeps them about an hour)');
  });
});

describe('a workload as the describe view', () => {
  it('a stalled rollout: replicas counted as the pane counts them, the strategy, the failing condition', () => {
    const d = workloadDetail(
      'prod',
      'Deployment',
      recorded<WorkloadDetailLike>('deployment-progressing.json'),
      [],
    );
    expect(d).toMatchObject({
      kind: 'Deployment',
      name: 'api',
      replicas: { desired: 3, ready: 2, updated: 1, available: 2 },
      revision: 4,
      strategy: 'RollingUpdate (max surge 25%, max unavailable 1)',
      selector: 'app=api',
      images: ['api: registry.example.com:5000/shop/api:v1.5.0'],
    });
    const lines = workloadDetailLines(d);
    expect(lines[0]).toBe('Deployment: 2/3 ready, 1 updated, 2 available, revision 4');
    expect(lines).toContain('conditions: Available ✓, Progressing ✗ (ProgressDeadlineExceeded)');
    expect(lines).toContain('  Progressing: ReplicaSet "api-7d9c5b6f4" has timed out progressing.');
  });
});
