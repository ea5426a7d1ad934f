import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { containerRows, windowOf } from '../../src/store/paneRows';

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
  rows.map((r) => (r.kind === 'group' ? `[${r.label}]` : r.container.name));

describe('containers pane rows', () => {
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
