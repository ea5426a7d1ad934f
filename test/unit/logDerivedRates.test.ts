import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';

function ratioFromIngest(source: string, lines: string[], t0: number) {
  const store = createConsoleStore('t', t0);
  const ingest = createIngest({ store, logs: new LogBuffer(100_000), thresholds: DEFAULT_THRESHOLDS });
  ingest.flush(t0); // first reading: zero
  ingest.sink({ type: 'log-lines', source, lines, receivedAt: t0 + 500 });
  ingest.flush(t0 + 1000);
  return store.getState().signals[source];
}

describe('error rates derived from log lines', () => {
  it('match counts computed independently from the same JSON lines (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(200, 201, 302, 404, 500, 502, 503), { minLength: 1, maxLength: 300 }),
        (statuses) => {
          const lines = statuses.map((s, i) =>
            JSON.stringify({
              level: s >= 500 ? 'error' : 'info',
              msg: 'req',
              status: s,
              request_id: `r${i}`,
            }),
          );
          const expected = lines.filter((l) => /"status":5\d\d/.test(l)).length / lines.length;
          const v = ratioFromIngest('api', lines, 1_000_000);
          expect(v?.logRequests1m).toBe(lines.length);
          expect(v?.logRatio1m).toBeCloseTo(expected, 10);
          expect(v?.ratioSource).toBe('logs');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('count error-level lines without a status as failures (loghub Apache sample)', () => {
    const text = readFileSync(
      join(process.cwd(), '..', 'shared', 'fixtures', 'loghub', 'Apache_2k.log'),
      'utf8',
    );
    const lines = text.split('\n').filter(Boolean);
    const errors = lines.filter((l) => /\[error\]/.test(l)).length;
    const v = ratioFromIngest('apache', lines, 2_000_000);
    expect(errors).toBeGreaterThan(0);
    expect(v?.logRequests1m).toBe(errors);
    expect(v?.logRatio1m).toBe(1);
  });
});

describe('merging and field names in the ingest', () => {
  it('merges lines from several sources by their own time within the reorder window', async () => {
    const { createConsoleStore: create } = await import('../../src/store/consoleStore');
    const store = create('t', 0);
    const logs = new LogBuffer(100);
    const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 250 });
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    ingest.sink({
      type: 'log-lines',
      source: 'api',
      lines: [JSON.stringify({ time: at(30), msg: 'api second' })],
      receivedAt: 1000,
    });
    ingest.sink({
      type: 'log-lines',
      source: 'gateway',
      lines: [JSON.stringify({ time: at(10), msg: 'gateway first' })],
      receivedAt: 1100,
    });
    ingest.flush(1200);
    expect(logs.ring.size).toBe(0); // still inside the window
    ingest.flush(1400);
    expect(logs.ring.toArray().map((r) => r.message)).toEqual(['gateway first', 'api second']);
    expect(logs.ring.toArray().map((r) => r.seq)).toEqual([1, 2]);
  });

  it('keeps the time order when a flush falls between two arrivals’ deadlines', () => {
    const store = createConsoleStore('t', 0);
    const logs = new LogBuffer(100);
    const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 250 });
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const line = (source: string, ms: number, msg: string, receivedAt: number) =>
      ingest.sink({ type: 'log-lines', source, lines: [JSON.stringify({ time: at(ms), msg })], receivedAt });
    line('api', 20, 'api second', 1000);
    line('api', 40, 'api fourth', 1000);
    // The other stream's lines, written earlier, come 30 ms later.
    line('worker', 10, 'worker first', 1030);
    line('worker', 30, 'worker third', 1030);
    line('worker', 50, 'worker fifth', 1030);
    // Only api's wait is over; worker's earlier lines go out with them rather than after them.
    ingest.flush(1260);
    expect(logs.ring.toArray().map((r) => r.message)).toEqual([
      'worker first',
      'api second',
      'worker third',
      'api fourth',
    ]);
    ingest.flush(1300);
    expect(logs.ring.toArray().at(-1)?.message).toBe('worker fifth');
  });

  it("reads a source's own field names before the usual ones", () => {
    const store = createConsoleStore('t', 0);
    const logs = new LogBuffer(10);
    const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 0 });
    ingest.sink({
      type: 'log-lines',
      source: 'legacy',
      lines: ['{"sev":"ERROR","text":"disk full","corr":"c-9"}'],
      receivedAt: 0,
      fields: { level: ['sev'], message: ['text'], requestId: ['corr'] },
    });
    ingest.flush(0);
    expect(logs.ring.at(0)).toMatchObject({ level: 'error', message: 'disk full', requestId: 'c-9' });
  });
});

describe('log line accounting', () => {
  it('every line received is queued, merging, held or evicted: nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ lines: fc.integer({ min: 0, max: 40 }), advanceMs: fc.integer({ min: 0, max: 400 }) }),
          {
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 60 }),
        (batches, capacity) => {
          const t0 = Date.UTC(2026, 10, 22, 3);
          const store = createConsoleStore('t', t0);
          const ingest = createIngest({
            store,
            logs: new LogBuffer(capacity),
            thresholds: DEFAULT_THRESHOLDS,
            reorderWindowMs: 250,
          });
          let now = t0;
          let written = 0;
          for (const b of batches) {
            const lines = Array.from({ length: b.lines }, (_, i) => `{"msg":"line ${written + i}"}`);
            written += b.lines;
            ingest.sink({ type: 'log-lines', source: `s${b.lines % 3}`, lines, receivedAt: now });
            // Sometimes a timed flush's slice: at most 25 lines (whole events, at least one).
            if (b.advanceMs % 2 === 0) ingest.flush(now, b.advanceMs % 4 === 0 ? 25 : undefined);
            now += b.advanceMs;
            const c = ingest.lineCounts();
            expect(c.received).toBe(written);
            expect(c.received).toBe(c.queued + c.merging + c.shown);
            expect(c.shown).toBe(c.held + c.evicted);
            expect(c.held).toBeLessThanOrEqual(capacity);
          }
          ingest.flush(now + 1000);
          const end = ingest.lineCounts();
          expect(end.queued + end.merging).toBe(0);
          expect(end.shown).toBe(written);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('applies a large backlog a slice at a time: whole events, up to the limit, in order', () => {
    const t0 = Date.UTC(2026, 10, 22, 3);
    const store = createConsoleStore('t', t0);
    const logs = new LogBuffer(100_000);
    const ingest = createIngest({ store, logs, thresholds: DEFAULT_THRESHOLDS, reorderWindowMs: 0 });
    const event = (n: number, from: number) => ({
      type: 'log-lines' as const,
      source: 'api',
      lines: Array.from({ length: n }, (_, i) => `{"msg":"line ${from + i}"}`),
      receivedAt: t0,
    });
    for (const from of [0, 15_000, 30_000]) ingest.sink(event(15_000, from));
    ingest.sink(event(30_000, 45_000));
    const queued = () => ingest.lineCounts().queued;
    ingest.flush(t0 + 1000, 20_000);
    expect(queued()).toBe(60_000);
    ingest.flush(t0 + 1000, 20_000);
    expect(queued()).toBe(45_000);
    ingest.flush(t0 + 1000, 20_000);
    // An event larger than the slice goes whole, on its own.
    expect(queued()).toBe(30_000);
    ingest.flush(t0 + 1000, 20_000);
    expect(queued()).toBe(0);
    const shown = logs.ring.toArray().map((r) => r.message);
    expect(shown).toHaveLength(75_000);
    expect(shown.every((m, i) => m === `line ${i}`)).toBe(true);
  });
});
