import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { LogRecord } from '../../src/logs/logRecord';
import { createConsoleStore } from '../../src/store/consoleStore';
import { plain, renderConsole } from '../helpers/renderAtSize';

const now = Date.UTC(2026, 11, 2, 3, 30);
const line = (i: number): LogRecord => ({
  seq: 100_000 + i,
  source: 'api',
  time: Date.UTC(2026, 11, 2, 3, 13, 0) + i * 1000,
  timeFromLine: true,
  message: `GET /orders ${i}`,
  text: `GET /orders ${i}`,
});

describe('the log pane scrolled back into the store, at 80x24', () => {
  it('says where it is before anything else the title holds, and shows the stored lines', async () => {
    const store = createConsoleStore('shop', now);
    const logs = new LogBuffer(100);
    const lines = Array.from({ length: 50 }, (_, i) => line(i));
    store.setState((s) => ({
      ui: {
        ...s.ui,
        focus: 'logs',
        followLogs: false,
        logQuery: '',
        logHistory: { query: '', lines, searching: false },
        logStoreAnchor: 20,
      },
      logStore: { stored: 123_456, dropped: 0, oldest: lines[0]?.time as number },
      // Errors in the last minute lengthen the title's left part, as during an incident.
      signals: {
        checkout: {
          service: 'checkout',
          requests1m: 0,
          logRatio1m: 0.2,
          logRequests1m: 300,
          ratioSource: 'logs',
          spark: [],
          rules: [],
          health: { up: 0, total: 0, targets: [] },
        },
      },
    }));
    const v = renderConsole({ store, logs }, 80, 24);
    await v.settle();
    const screen = plain(v.frame()).split('\n');
    const title = screen.find((l) => l.includes('Logs')) ?? '';
    expect(title).toContain('PAUSED at 03:13:20Z in the store');
    // The bottom row is the anchored line; the rows above it are the stored lines before it.
    const shown = screen.filter((l) => /GET \/orders \d+/.test(l));
    expect(shown.at(-1)).toContain('GET /orders 20');
    expect(shown.length).toBeGreaterThan(3);
    v.unmount();
  });
});
