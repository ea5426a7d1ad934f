import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alerts';
import { type ContainerStatus, rolloutState, type WorkloadStatus } from '../../src/model/sourceEvents';
import { alertRows, containerRows, windowOf } from '../../src/store/paneRows';

const c = (name: string, over: Partial<ContainerStatus> = {}): ContainerStatus => ({
  id: `local/${name}`,
  name,
  host: 'local',
  kind: 'docker',
  state: 'running',
  health: 'healthy',
  restarts: 0,
  ...over,
});

const names = (rows: ReturnType<typeof containerRows>) =>
  rows.map((r) =>
    r.kind === 'group'
      ? `[${r.label}]`
      : r.kind === 'workload'
        ? `${r.expanded ? 'v' : '>'} ${r.status.name}`
        : `${r.nested ? '  ' : ''}${r.container.name}`,
  );

const pod = (ns: string, workload: string, name: string, over: Partial<ContainerStatus> = {}) =>
  c(name, {
    id: `kind/${ns}/${name}`,
    host: 'kind',
    kind: 'kubernetes',
    compose: { project: ns, service: workload },
    ...over,
  });

const deployment = (ns: string, name: string, desired: number, ready: number): WorkloadStatus => ({
  id: `kind/${ns}/${name}`,
  cluster: 'kind',
  namespace: ns,
  name,
  kind: 'Deployment',
  desired,
  ready,
  updated: desired,
  available: ready,
  current: desired,
  generation: 1,
  observedGeneration: 1,
  paused: false,
});

describe('containers pane rows', () => {
  it('folds the pods of a Kubernetes workload into one row: ready/desired, restarts together, the worst pod state', () => {
    const pods = [
      pod('shop', 'api', 'api-7d9f-a'),
      pod('shop', 'api', 'api-7d9f-b', {
        state: 'restarting',
        health: 'unhealthy',
        reason: 'CrashLoopBackOff',
        restarts: 4,
      }),
      pod('shop', 'api', 'api-7d9f-c', { restarts: 1 }),
      pod('shop', 'web', 'web-55c-a'),
    ];
    const workloads = {
      'kind/shop/api': deployment('shop', 'api', 3, 2),
      'kind/shop/web': deployment('shop', 'web', 1, 1),
      'kind/shop/worker': deployment('shop', 'worker', 2, 0),
    };
    const rows = containerRows(pods, '', [], workloads);
    // The crash-looping pod's workload first, then the one with no pod ready.
    expect(names(rows)).toEqual(['> api 2/3', '> worker 0/2', '> web 1/1']);
    const api = rows[0];
    expect(api?.kind === 'workload' && [api.status.reason, api.status.restarts, api.pods]).toEqual([
      'CrashLoopBackOff',
      5,
      3,
    ]);
    // A workload with no pod at all says so rather than vanishing.
    expect(rows[1]?.kind === 'workload' && rows[1].status.reason).toBe('no pods ready');
    // Unfolded: its pods under it, worst first; a filter on a pod's words keeps its workload.
    expect(names(containerRows(pods, '', [], workloads, ['kind/shop/api']))).toEqual([
      'v api 2/3',
      '  api-7d9f-b',
      '  api-7d9f-a',
      '  api-7d9f-c',
      '> worker 0/2',
      '> web 1/1',
    ]);
    expect(names(containerRows(pods, 'crashloop', [], workloads, ['kind/shop/api']))).toEqual([
      'v api 2/3',
      '  api-7d9f-b',
    ]);
  });

  it('groups workloads by namespace when there are several', () => {
    const rows = containerRows([pod('shop', 'api', 'api-1'), pod('ops', 'grafana', 'grafana-1')]);
    expect(names(rows)).toEqual(['[kind/ops]', '> grafana 1/1', '[kind/shop]', '> api 1/1']);
  });

  it('judges a rollout complete as kubectl rollout status does', () => {
    const w = deployment('shop', 'api', 3, 3);
    expect(rolloutState(w)).toBe('complete');
    expect(rolloutState({ ...w, generation: 2 })).toBe('progressing');
    expect(rolloutState({ ...w, updated: 1, current: 4 })).toBe('progressing');
    expect(rolloutState({ ...w, current: 4 })).toBe('progressing');
    expect(rolloutState({ ...w, available: 2 })).toBe('progressing');
    expect(rolloutState({ ...w, stalled: true })).toBe('stalled');
  });

  it('orders names naturally: scale2 before scale10', () => {
    expect(names(containerRows([c('scale10'), c('scale2'), c('scale1'), c('scale100')]))).toEqual([
      'scale1',
      'scale2',
      'scale10',
      'scale100',
    ]);
  });

  it('puts trouble first: exited, restarting, unhealthy, unknown, many restarts, then the rest', () => {
    const rows = containerRows([
      c('a-fine'),
      c('b-restarts', { restarts: 7 }),
      c('c-unhealthy', { health: 'unhealthy' }),
      c('d-exited', { state: 'exited', exitCode: 1 }),
      c('e-restarting', { state: 'restarting' }),
      c('f-unknown', { state: 'unknown' }),
    ]);
    expect(names(rows)).toEqual([
      'd-exited',
      'e-restarting',
      'c-unhealthy',
      'f-unknown',
      'b-restarts',
      'a-fine',
    ]);
  });

  it('groups by host and compose project, the group in trouble first, with counts', () => {
    const shop = { project: 'shop', service: 'api' };
    const rows = containerRows([
      c('web-1', { host: 'edge' }),
      c('shop-api-1', { compose: shop }),
      c('shop-api-2', { compose: shop, health: 'unhealthy' }),
    ]);
    expect(names(rows)).toEqual(['[local/shop]', 'shop-api-2', 'shop-api-1', '[edge]', 'web-1']);
    expect(rows[0]).toMatchObject({ kind: 'group', count: 2, problems: 1 });
  });

  it('filters by words in name, host, state and version', () => {
    const all = [c('api-1', { version: 'v2' }), c('worker-1', { state: 'exited' }), c('api-2')];
    expect(names(containerRows(all, 'api v2'))).toEqual(['api-1']);
    expect(names(containerRows(all, 'exited'))).toEqual(['worker-1']);
  });

  it('with 300 containers and one unhealthy, the unhealthy one is in the first rows', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      c(`scale${i + 1}`, i === 237 ? { health: 'unhealthy' } : {}),
    );
    const rows = containerRows(many);
    const w = windowOf(rows.length, 10, 0);
    expect(names(rows.slice(w.start, w.end))[0]).toBe('scale238');
    expect(w).toMatchObject({ above: 0, below: 290 });
  });
});

describe('pane windows', () => {
  it('keep the selected row in view and count what is hidden', () => {
    expect(windowOf(100, 10, 0)).toEqual({ start: 0, end: 10, above: 0, below: 90 });
    expect(windowOf(100, 10, 25)).toEqual({ start: 16, end: 26, above: 16, below: 74 });
    expect(windowOf(100, 10, 99)).toEqual({ start: 90, end: 100, above: 90, below: 0 });
    expect(windowOf(5, 10, 3)).toEqual({ start: 0, end: 5, above: 0, below: 0 });
  });
});

describe('folded groups', () => {
  it('show only their header, with the count and the trouble inside', () => {
    const shop = { project: 'shop', service: 'api' };
    const all = [
      c('web-1', { host: 'edge' }),
      c('shop-api-1', { compose: shop, state: 'exited' }),
      c('shop-api-2', { compose: shop }),
    ];
    const rows = containerRows(all, '', ['local/shop']);
    expect(names(rows)).toEqual(['[local/shop]', '[edge]', 'web-1']);
    expect(rows[0]).toMatchObject({ collapsed: true, count: 2, problems: 1 });
  });
});

describe('alerts pane rows', () => {
  const alert = (i: number): Alert => ({
    fingerprint: `f${i}`,
    name: `Rule${i % 200}`,
    state: i % 7 === 0 ? 'silenced' : 'firing',
    severity: i % 200 < 10 ? 'critical' : 'warning',
    labels: { service: `svc${i % 200}`, instance: `i${i}` },
    annotations: i % 200 === 3 ? { summary: 'disk almost full' } : {},
    startsAt: 1_000_000 + i,
    silencedBy: [],
  });

  it('groups 5,000 alerts by name and service into 200 rows, the critical ones first, nothing dropped', () => {
    const all = Array.from({ length: 5000 }, (_, i) => alert(i));
    const rows = alertRows(all);
    expect(rows).toHaveLength(200);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(5000);
    expect(rows.slice(0, 10).every((r) => r.severity === 'critical')).toBe(true);
    expect(rows.slice(10).every((r) => r.severity === 'warning')).toBe(true);
    // Within one severity the longest-standing group leads: Rule0 started first.
    expect(rows[0]?.name).toBe('Rule0');
    const rule3 = rows.find((r) => r.name === 'Rule3');
    expect(rule3).toMatchObject({ count: 25, since: 1_000_003, summary: 'disk almost full' });
    expect(rows.reduce((n, r) => n + r.quiet, 0)).toBe(all.filter((a) => a.state === 'silenced').length);
    expect(rows.reduce((n, r) => n + r.firing + r.quiet, 0)).toBe(5000);
  });

  it('filters on name, labels and state', () => {
    const all = Array.from({ length: 400 }, (_, i) => alert(i));
    expect(alertRows(all, 'svc199').map((r) => r.name)).toEqual(['Rule199']);
    expect(alertRows(all, 'silenced').reduce((n, r) => n + r.count, 0)).toBe(
      all.filter((a) => a.state === 'silenced').length,
    );
  });
});
