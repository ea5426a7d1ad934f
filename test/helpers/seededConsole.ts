import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';

/**
 * A store fed through the real ingest with synthetic source events: three services, the api's 5xx
 * ratio driven to 12% long enough for the critical rule to fire.
 */
export function seededConsole(start = Date.UTC(2026, 10, 21, 3, 0, 0)) {
  const store = createConsoleStore('test', start);
  const logs = new LogBuffer(500);
  // The test drives the clock: lines go to the ring at once instead of waiting to be merged by time.
  const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 0 });
  const services = ['gateway', 'api', 'worker'];
  services.forEach((name, i) => {
    ingest.sink({
      type: 'container',
      status: {
        id: `demo/${name}`,
        name,
        host: 'demo',
        kind: 'process',
        state: 'running',
        health: 'healthy',
        version: name === 'api' ? 'v1.5.0' : 'v1.0.0',
        restarts: i,
        startedAt: start - 3_600_000,
        cpuPercent: 3,
        memoryBytes: 70 * 1024 * 1024,
      },
    });
  });
  let total = 0;
  let errors = 0;
  for (let t = 0; t <= 200_000; t += 1000) {
    total += 20;
    errors += 2.4;
    ingest.sink({ type: 'counters', service: 'api', at: start + t, total, errors: Math.round(errors) });
    ingest.sink({ type: 'counters', service: 'gateway', at: start + t, total, errors: 0 });
    ingest.sink({ type: 'counters', service: 'worker', at: start + t, total, errors: 0 });
    ingest.flush(start + t);
  }
  const lines = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({
      time: new Date(start + 200_000).toISOString(),
      level: i % 5 === 0 ? 'error' : 'info',
      msg: `line ${i}`,
      request_id: `req-${i}`,
      status: i % 5 === 0 ? 500 : 200,
    }),
  );
  ingest.sink({ type: 'log-lines', source: 'api', lines, receivedAt: start + 200_000 });
  ingest.flush(start + 200_000);
  return { store, logs, ingest, now: start + 200_000 };
}
