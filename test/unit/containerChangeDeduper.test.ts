import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { ContainerChangeDeduper } from '../../src/store/containerChangeDeduper';

const base: ContainerStatus = {
  id: 'h/api',
  name: 'api',
  host: 'h',
  kind: 'docker',
  state: 'running',
  health: 'none',
  restarts: 0,
};

describe('ContainerChangeDeduper', () => {
  it('records the first change and folds a crash loop into one counted event', () => {
    const d = new ContainerChangeDeduper(60_000);
    expect(d.observe(base, 0)).toBeUndefined(); // first sighting
    const first = d.observe({ ...base, state: 'restarting', exitCode: 1, restarts: 1 }, 1000);
    expect(first?.text).toBe('api restarting (exit 1)');
    const events = [];
    for (let i = 0; i < 1000; i++) {
      const t = 2000 + i * 20;
      events.push(
        d.observe({ ...base, state: i % 2 ? 'restarting' : 'running', restarts: 2 + i, exitCode: 1 }, t),
      );
    }
    expect(events.filter(Boolean)).toHaveLength(0);
    expect(d.flush(30_000)).toEqual([]);
    const summary = d.flush(61_000);
    expect(summary).toHaveLength(1);
    expect(summary[0]?.data).toMatchObject({ count: 1001, restarts: 1001, state: 'restarting' });
    expect(d.flush(200_000)).toEqual([]);
  });

  it('records changes that are far apart separately', () => {
    const d = new ContainerChangeDeduper(60_000);
    d.observe(base, 0);
    expect(d.observe({ ...base, state: 'exited', exitCode: 137 }, 1000)?.text).toBe('api exited (exit 137)');
    expect(d.observe({ ...base, state: 'running' }, 100_000)?.text).toBe('api running');
  });
});
