import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { plain, renderConsole } from '../helpers/renderAtSize';

/** 100 containers scale1..scale100, one of them (scale73) unhealthy. */
function fleet() {
  const now = Date.UTC(2026, 10, 22, 4);
  const store = createConsoleStore('big', now);
  const logs = new LogBuffer(100);
  const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 0 });
  for (let i = 1; i <= 100; i++)
    ingest.sink({
      type: 'container',
      status: {
        id: `local/scale${i}`,
        name: `scale${i}`,
        host: 'local',
        kind: 'docker',
        state: 'running',
        health: i === 73 ? 'unhealthy' : 'healthy',
        ...(i === 73 && { healthFailingStreak: 4 }),
        restarts: 0,
        startedAt: now - 60_000,
      },
    });
  ingest.flush(now);
  return renderConsole({ store, logs }, 80, 24);
}

describe('a pane of 100 containers at 80x24', () => {
  it('shows the unhealthy one first, in natural order after it, and says how many are hidden', async () => {
    const v = fleet();
    await v.settle();
    const lines = plain(v.frame()).split('\n');
    const rows = lines.filter((l) => /^scale\d+ /.test(l));
    expect(rows[0]).toMatch(/^scale73\s+running\s+unhlth×4/);
    expect(rows.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['scale1', 'scale2', 'scale3']);
    expect(lines.find((l) => l.includes('Containers'))).toMatch(/100 · \d+ more ↓/);
    v.unmount();
  });

  it('scrolls with the focus on it and filters as you type', async () => {
    const v = fleet();
    await v.press('1');
    for (let i = 0; i < 12; i++) await v.press('j');
    let lines = plain(v.frame()).split('\n');
    expect(lines.find((l) => l.includes('Containers'))).toMatch(/more ↑↓/);
    await v.press('/', 's', 'c', 'a', 'l', 'e', '9', '9');
    lines = plain(v.frame()).split('\n');
    // The containers pane's rows only: each container's health check also makes it a service below.
    const pane = lines.slice(
      lines.findIndex((l) => l.includes('Containers')),
      lines.findIndex((l) => l.includes('Error rates')),
    );
    expect(pane.filter((l) => /^scale\d+ /.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['scale99']);
    expect(lines.find((l) => l.includes('Containers'))).toMatch(/1 of 100 "scale99"/);
    await v.press('\u001b');
    lines = plain(v.frame()).split('\n');
    expect(lines.find((l) => l.includes('Containers'))).not.toMatch(/of 100/);
    v.unmount();
  });
});

describe('empty panes say why', () => {
  it('a configured service with no data source, and no container source, are said in words', async () => {
    const now = Date.UTC(2026, 10, 22, 4);
    const store = createConsoleStore('cfg', now);
    store.setState({ expected: { containers: false, services: { billing: [], api: ['metrics'] } } });
    const logs = new LogBuffer(10);
    const v = renderConsole({ store, logs }, 80, 24);
    await v.settle();
    const text = plain(v.frame());
    expect(text).toMatch(/no container source configured/);
    expect(text).toMatch(/billing\s+no metrics, health checks or request logs configured/);
    expect(text).toMatch(/api\s+no data yet from its metrics/);
    v.unmount();
  });
});
