import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { ErrorRateWindow } from '../../src/metrics/errorRateWindow';
import { histogramQuantile, parsePromText, requestCounters } from '../../src/metrics/promText';
import { ServiceSignals } from '../../src/metrics/serviceSignals';
import { sparkline } from '../../src/metrics/sparkline';
import {
  RULE_OK,
  rulesFromThresholds,
  stepRule,
  type ThresholdRuleSpec,
} from '../../src/metrics/thresholdRule';

describe('parsePromText', () => {
  const text = [
    '# HELP http_requests_total x',
    'http_requests_total{service="api",code="200"} 95',
    'http_requests_total{code="500",service="api"} 4',
    'http_requests_total{code="503"} 1 1700000000000',
    'http_request_duration_seconds_bucket{le="0.1"} 50',
    'http_request_duration_seconds_bucket{le="0.5"} 90',
    'http_request_duration_seconds_bucket{le="+Inf"} 100',
    'garbage line',
  ].join('\n');

  it('sums requests and 5xx from labelled counters', () => {
    expect(requestCounters(parsePromText(text))).toEqual({ total: 100, errors: 5 });
  });

  it('estimates p95 from buckets by linear interpolation, as Prometheus does', () => {
    const buckets = parsePromText(text)
      .filter((s) => s.name.endsWith('_bucket'))
      .map((s) => ({
        le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le),
        count: s.value,
      }));
    // rank 95 lies in the +Inf bucket: Prometheus answers the highest finite bound.
    expect(histogramQuantile(0.95, buckets)).toBe(0.5);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.1 + 0.4 * (20 / 40));
  });
});

describe('ErrorRateWindow', () => {
  it('computes ratios over a window from cumulative counters', () => {
    const w = new ErrorRateWindow();
    w.add(0, 0, 0);
    w.add(30_000, 100, 1);
    w.add(60_000, 200, 21);
    expect(w.over(60_000)).toEqual({ requests: 200, errors: 21, ratio: 0.105 });
    expect(w.over(30_000)).toEqual({ requests: 100, errors: 20, ratio: 0.2 });
  });

  it('treats a counter drop as a process restart, not negative traffic', () => {
    const w = new ErrorRateWindow();
    w.add(0, 1000, 100);
    w.add(10_000, 1100, 110);
    w.add(20_000, 50, 0); // restarted: counts from zero again
    w.add(30_000, 150, 1);
    const r = w.between(10_000, 30_000);
    expect(r.requests).toBe(150);
    expect(r.errors).toBe(1);
  });

  it('says unknown, not zero, without traffic or samples', () => {
    const w = new ErrorRateWindow();
    expect(w.over(60_000).ratio).toBeUndefined();
    w.add(0, 10, 0);
    w.add(1000, 10, 0);
    expect(w.over(60_000).ratio).toBeUndefined();
  });

  it('builds a series with gaps before the first sample', () => {
    const w = new ErrorRateWindow();
    w.add(50_000, 0, 0);
    w.add(100_000, 100, 10);
    const s = w.series(100_000, 100_000, 2);
    expect(s[0]).toBeUndefined();
    expect(s[1]).toBeCloseTo(0.1);
  });
});

describe('stepRule', () => {
  const rule: ThresholdRuleSpec = {
    id: 'crit',
    severity: 'critical',
    signal: 'ratio',
    description: 'd',
    above: 0.05,
    forMs: 120_000,
  };

  it('goes pending, then fires after the hold time, then clears', () => {
    let s = stepRule(rule, RULE_OK, 0.08, 0);
    expect(s.next.state).toBe('pending');
    s = stepRule(rule, s.next, 0.09, 119_999);
    expect(s.next.state).toBe('pending');
    expect(s.transition).toBeUndefined();
    s = stepRule(rule, s.next, 0.09, 120_000);
    expect(s.next.state).toBe('firing');
    expect(s.transition).toMatchObject({ kind: 'fired', value: 0.09, at: 120_000 });
    s = stepRule(rule, s.next, 0.01, 130_000);
    expect(s.next.state).toBe('ok');
    expect(s.transition).toMatchObject({ kind: 'cleared', value: 0.01 });
  });

  it('resets a pending rule when the value dips under the line', () => {
    const p = stepRule(rule, RULE_OK, 0.08, 0).next;
    expect(stepRule(rule, p, 0.04, 60_000).next.state).toBe('ok');
  });

  it('keeps its state on unknown values', () => {
    const firing = { state: 'firing' as const, since: 0, value: 0.2 };
    expect(stepRule(rule, firing, undefined, 10).next).toBe(firing);
  });
});

describe('ServiceSignals', () => {
  it('fires the runbook rules on a driven clock and reports the values', () => {
    const s = new ServiceSignals('api', rulesFromThresholds(DEFAULT_THRESHOLDS));
    let total = 0;
    let errors = 0;
    const fired: string[] = [];
    for (let t = 0; t <= 11 * 60_000; t += 1000) {
      total += 20;
      errors += 2; // 10%
      s.addCounters(t, total, errors);
      for (const tr of s.evaluate(t)) fired.push(`${tr.rule.id}@${t / 1000}`);
    }
    // The 1m window is full from t=60s, so the ratio is above 5% from the second sample on.
    expect(fired).toEqual([
      'error-ratio-critical@121',
      'error-ratio-warning@301',
      'error-ratio-sustained@601',
    ]);
    const view = s.view(11 * 60_000, 30);
    expect(view.ratio1m).toBeCloseTo(0.1);
    expect(view.rules.filter((r) => r.id.startsWith('error-ratio')).every((r) => r.state === 'firing')).toBe(
      true,
    );
    expect(view.rules.find((r) => r.id === 'complete-outage')?.state).toBe('ok');
  });

  it('reports unknown when counters stop arriving, and never 0%', () => {
    const s = new ServiceSignals('api', rulesFromThresholds(DEFAULT_THRESHOLDS));
    s.addCounters(0, 0, 0);
    s.addCounters(1000, 10, 0);
    expect(s.view(2000, 10).ratio1m).toBe(0);
    const stale = s.view(60_000, 10);
    expect(stale.ratio1m).toBeUndefined();
    expect(stale.unknownReason).toBe('no data yet');
    s.markUnknown('ECONNREFUSED');
    expect(s.view(2000, 10).unknownReason).toBe('ECONNREFUSED');
  });
});

describe('sparkline', () => {
  it('scales to max, marks unknown with a dot, clamps overflow', () => {
    expect(sparkline([0, 0.05, 0.1, 0.5, undefined], 0.1)).toBe('▁▅██·');
  });
});

describe('ServiceSignals: latency, health and log-derived rules', () => {
  const rules = rulesFromThresholds(DEFAULT_THRESHOLDS);

  it('fires the p95 rule above twice its own baseline, well under the 3 s line', () => {
    const s = new ServiceSignals('api', rules);
    const fired: number[] = [];
    for (let t = 0; t <= 45 * 60_000; t += 10_000) {
      const p95 = t < 30 * 60_000 ? 0.1 : 0.25; // baseline 100 ms, then 250 ms
      s.addCounters(t, t, 0, p95);
      for (const tr of s.evaluate(t)) if (tr.rule.id === 'latency-p95') fired.push(t / 60_000);
    }
    // Above 2x baseline (0.2 s) from minute 30, held for 10 minutes.
    expect(fired).toEqual([40]);
  });

  it('fires "degraded" when over half the health checks fail and "complete outage" when all do', () => {
    const s = new ServiceSignals('api', rules);
    const check = (target: string, ok: boolean, at: number) => s.addHealth({ target, ok, at, latencyMs: 1 });
    const fired: string[] = [];
    for (let t = 0; t <= 120_000; t += 1000) {
      check('a', t < 10_000, t);
      check('b', t < 60_000, t);
      check('c', true, t);
      for (const tr of s.evaluate(t)) fired.push(`${tr.rule.id}@${t / 1000}`);
    }
    // 2 of 3 failing from 60s: degraded after its 1 minute hold; never all three.
    expect(fired).toEqual(['health-degraded@120']);
    for (let t = 121_000; t <= 160_000; t += 1000) {
      check('c', false, t);
      for (const tr of s.evaluate(t)) fired.push(`${tr.rule.id}@${t / 1000}`);
    }
    expect(fired).toContain('complete-outage@151');
  });

  it('uses the log-derived ratio when a service has no metrics, and reports both when it has', () => {
    const logsOnly = new ServiceSignals('worker', rules);
    logsOnly.addLogCounts(0, 0, 0);
    logsOnly.addLogCounts(30_000, 200, 20);
    const v = logsOnly.view(30_000, 10);
    expect(v.ratioSource).toBe('logs');
    expect(v.ratio1m).toBeCloseTo(0.1);
    const both = new ServiceSignals('api', rules);
    both.addCounters(0, 0, 0);
    both.addLogCounts(0, 0, 0);
    both.addCounters(30_000, 100, 8);
    both.addLogCounts(30_000, 100, 9);
    const b = both.view(30_000, 10);
    expect(b.ratioSource).toBe('metrics');
    expect(b.ratio1m).toBeCloseTo(0.08);
    expect(b.logRatio1m).toBeCloseTo(0.09);
  });

  it('prefers a ratio computed by a custom query', () => {
    const s = new ServiceSignals('api', rules);
    s.addCounters(0, 0, 0);
    s.addCounters(1000, 100, 1, undefined, 0.2);
    expect(s.view(1000, 10).ratio1m).toBe(0.2);
  });
});
