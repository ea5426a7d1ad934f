import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { ErrorRateWindow } from '../../src/metrics/errorRateWindow';
import { ReadBackCap } from '../../src/sources/readBack';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const line = (status: number, i: number) =>
  JSON.stringify({
    level: status >= 500 ? 'error' : 'info',
    msg: 'GET /orders',
    status,
    request_id: `r${i}`,
  });

/** `perSecond` requests a second, every fifth failing, from `fromMs` to `toMs` (times per line). */
function traffic(fromMs: number, toMs: number, perSecond: number) {
  const lines: string[] = [];
  const times: number[] = [];
  let i = 0;
  for (let t = fromMs; t < toMs; t += 1000 / perSecond) {
    lines.push(line(i % 5 === 0 ? 503 : 200, i));
    times.push(Math.round(t));
    i++;
  }
  return { lines, times };
}

function consoleOpenedAt(openedAt: number) {
  const store = createConsoleStore('t', openedAt);
  const ingest = createIngest({
    store,
    logs: new LogBuffer(1000),
    thresholds: DEFAULT_THRESHOLDS,
    reorderWindowMs: 0,
    openedAt,
  });
  return { store, ingest };
}

describe('counts inserted into a window after later readings', () => {
  it('are found in every interval as if they had been read in time (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { minLength: 2, maxLength: 30 }),
        fc.array(fc.record({ slice: fc.nat(59), requests: fc.nat(9), errors: fc.nat(9) }), { maxLength: 20 }),
        fc.nat(59),
        fc.nat(59),
        (liveSteps, history, a, b) => {
          const w = new ErrorRateWindow();
          const truth = new Map<number, number>();
          // Live readings once a second from t=60s; history lies in the minute before.
          let total = 0;
          for (const [k, step] of liveSteps.entries()) {
            total += step;
            if (k > 0) truth.set(60 + k, step);
            w.add((60 + k) * 1000, total, 0);
          }
          const byEnd = new Map<number, number>();
          for (const h of history) byEnd.set(h.slice + 1, (byEnd.get(h.slice + 1) ?? 0) + h.requests);
          w.insert(
            [...byEnd].map(([end, requests]) => ({ at: end * 1000, requests, errors: 0 })),
            1000,
          );
          for (const [end, n] of byEnd) truth.set(end, (truth.get(end) ?? 0) + n);
          const [from, to] = [Math.min(a, b), Math.max(a, b) + 30];
          let expected = 0;
          for (const [end, n] of truth) if (end > from && end <= to) expected += n;
          expect(w.between(from * 1000, to * 1000).requests).toBe(expected);
          // Readings taken after the insert carry on from the inserted totals.
          w.add((61 + liveSteps.length) * 1000, total + 5, 0);
          expect(w.over(1000).requests).toBe(5);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('a console opened into a failure that began before it', () => {
  it('judges the rules from when the failure began, and fills the sparkline', () => {
    const { store, ingest } = consoleOpenedAt(T0);
    const { lines, times } = traffic(T0 - 9 * 60_000, T0, 10);
    ingest.sink({ type: 'log-lines', source: 'api', lines, times, receivedAt: T0 + 200, readBack: true });
    ingest.flush(T0 + 300);
    const api = store.getState().signals.api;
    const rule = (id: string) => api?.rules.find((r) => r.id === id);
    // 5% for 2m: it fired two minutes into the failure, before the console opened.
    expect(rule('error-ratio-critical')?.state).toBe('firing');
    expect(rule('error-ratio-critical')?.since).toBeGreaterThanOrEqual(T0 - 7 * 60_000);
    expect(rule('error-ratio-critical')?.since).toBeLessThanOrEqual(T0 - 7 * 60_000 + 2000);
    // 5% for 10m: nine of its ten minutes have held, so about one is left.
    expect(rule('error-ratio-sustained')?.state).toBe('pending');
    expect(rule('error-ratio-sustained')?.leftMs).toBeLessThan(62_000);
    expect(rule('error-ratio-sustained')?.leftMs).toBeGreaterThan(58_000);
    expect(api?.ratio5m).toBeCloseTo(0.2, 2);
    // One-minute slices of the last half hour: the nine of the failure are known.
    expect(api?.spark.filter((v) => v !== undefined).length).toBeGreaterThanOrEqual(9);
    const fired = store
      .getState()
      .incident.events.find((e) => e.kind === 'rule-fired' && e.data?.rule === 'error-ratio-critical');
    expect(fired?.text).toContain('before the console opened');
    expect(fired?.at).toBe(rule('error-ratio-critical')?.since);

    // The failure goes on live: the sustained rule fires a minute after the console opened.
    let firedAt: number | undefined;
    for (let s = 1; s <= 75 && firedAt === undefined; s++) {
      const now = T0 + s * 1000;
      const live = traffic(now - 1000, now, 10);
      ingest.sink({
        type: 'log-lines',
        source: 'api',
        lines: live.lines,
        times: live.times,
        receivedAt: now,
      });
      ingest.flush(now);
      const sustained = store.getState().signals.api?.rules.find((r) => r.id === 'error-ratio-sustained');
      if (sustained?.state === 'firing') firedAt = now;
    }
    expect(firedAt).toBeGreaterThanOrEqual(T0 + 58_000);
    expect(firedAt).toBeLessThanOrEqual(T0 + 62_000);
  });

  it('records the ratio a rule fired on, not the one it reached by the time the console opened', () => {
    const { store, ingest } = consoleOpenedAt(T0);
    const steady = traffic(T0 - 9 * 60_000, T0 - 60_000, 10);
    // The last minute before the open, every request fails.
    const worse = { lines: [] as string[], times: [] as number[] };
    for (let t = T0 - 60_000, i = 0; t < T0; t += 100, i++) {
      worse.lines.push(line(503, 100_000 + i));
      worse.times.push(t);
    }
    const lines = [...steady.lines, ...worse.lines];
    const times = [...steady.times, ...worse.times];
    ingest.sink({ type: 'log-lines', source: 'api', lines, times, receivedAt: T0 + 200, readBack: true });
    ingest.flush(T0 + 300);
    const fired = store
      .getState()
      .incident.events.find((e) => e.kind === 'rule-fired' && e.data?.rule === 'error-ratio-critical');
    expect(fired?.kind === 'rule-fired' && fired.data.value).toBeCloseTo(0.2, 2);
    expect(fired?.text).toContain('(1m ratio 20');
  });

  it('counts live lines when they come, whatever time they carry', () => {
    const { store, ingest } = consoleOpenedAt(T0);
    ingest.flush(T0);
    // A service whose clock is an hour behind: its lines are live all the same.
    const old = traffic(T0 - 3_600_000, T0 - 3_599_000, 10);
    ingest.sink({ type: 'log-lines', source: 'api', lines: old.lines, receivedAt: T0 + 500 });
    ingest.flush(T0 + 1000);
    expect(store.getState().signals.api?.logRequests1m).toBe(10);
  });

  it('leaves the rules alone when what was read back was healthy', () => {
    const { store, ingest } = consoleOpenedAt(T0);
    const lines = Array.from({ length: 600 }, (_, i) => line(200, i));
    const times = lines.map((_, i) => T0 - 600_000 + i * 1000);
    ingest.sink({ type: 'log-lines', source: 'api', lines, times, receivedAt: T0 + 100, readBack: true });
    ingest.flush(T0 + 200);
    const api = store.getState().signals.api;
    expect(api?.rules.every((r) => r.state === 'ok')).toBe(true);
    expect(api?.ratio10m).toBe(0);
    expect(store.getState().incident.events.filter((e) => e.kind === 'rule-fired')).toEqual([]);
  });
});

describe('a failure that began and ended before the console opened', () => {
  it('is on the record: the rule fired and cleared, each at its time, both before the open', () => {
    const { store, ingest } = consoleOpenedAt(T0);
    // 20% failing from 25 to 15 minutes before the open, then all well.
    const burst = traffic(T0 - 25 * 60_000, T0 - 15 * 60_000, 10);
    const calm = traffic(T0 - 15 * 60_000, T0, 10);
    calm.lines = calm.lines.map((l) =>
      l.replace('"status":503', '"status":200').replace('"error"', '"info"'),
    );
    const lines = [...burst.lines, ...calm.lines];
    const times = [...burst.times, ...calm.times];
    ingest.sink({ type: 'log-lines', source: 'api', lines, times, receivedAt: T0 + 200, readBack: true });
    ingest.flush(T0 + 300);
    const events = store
      .getState()
      .incident.events.filter(
        (e) =>
          (e.kind === 'rule-fired' || e.kind === 'rule-cleared') && e.data.rule === 'error-ratio-critical',
      )
      .map((e) => [e.kind, e.at < T0, /before the console opened/.test(e.text)]);
    expect(events).toEqual([
      ['rule-fired', true, true],
      ['rule-cleared', true, true],
    ]);
    expect(store.getState().signals.api?.rules.find((r) => r.id === 'error-ratio-critical')?.state).toBe(
      'ok',
    );
    // A second replay (more read back later) does not say them again.
    ingest.sink({
      type: 'log-lines',
      source: 'api',
      lines: calm.lines.slice(0, 5),
      times: calm.times.slice(0, 5),
      receivedAt: T0 + 400,
      readBack: true,
    });
    ingest.flush(T0 + 500);
    expect(
      store
        .getState()
        .incident.events.filter(
          (e) =>
            (e.kind === 'rule-fired' || e.kind === 'rule-cleared') && e.data.rule === 'error-ratio-critical',
        ),
    ).toHaveLength(2);
  });
});

describe('the read-back cap', () => {
  const event = (lines: number, times: number[], readBack: boolean) => ({
    type: 'log-lines' as const,
    source: 'api',
    lines: Array.from({ length: lines }, (_, i) => `l${i}`),
    times,
    receivedAt: 0,
    ...(readBack && { readBack }),
  });

  it('is said once, when the lines read back reach it, with the oldest time read', () => {
    const cap = new ReadBackCap('api', 3);
    expect(cap.after([event(2, [T0 + 5000, T0 + 6000], true)])).toBeUndefined();
    // Live lines do not count toward it.
    expect(cap.after([event(5, [], false)])).toBeUndefined();
    expect(cap.after([event(1, [T0 + 7000], true)])?.lines).toEqual([
      '── api: read back the newest 3 lines (history.maxLines); what it logged in the window before 03:00:05Z was not read ──',
    ]);
    expect(cap.after([event(4, [T0 + 8000], true)])).toBeUndefined();
  });

  it('says nothing without a cap, or below it', () => {
    expect(new ReadBackCap('api', undefined).after([event(9, [T0], true)])).toBeUndefined();
    expect(new ReadBackCap('api', 10).after([event(9, [T0], true)])).toBeUndefined();
  });
});
