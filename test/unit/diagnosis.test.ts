import { describe, expect, it } from 'vitest';
import type { OriginCount } from '../../src/logs/requestOrigins';
import type { ServiceSignalsView } from '../../src/metrics/serviceSignals';
import { diagnosisKey } from '../../src/model/diagnosis';
import { createConsoleStore } from '../../src/store/consoleStore';
import { dependencyErrors, diagnose } from '../../src/store/diagnosis';
import type { PatternRow } from '../../src/store/patternRows';

const T0 = Date.UTC(2026, 10, 21, 2, 6, 20);

function row(over: Partial<PatternRow>): PatternRow {
  return {
    key: 'api#1',
    source: 'api',
    template: 'request completed',
    count: 100,
    firstSeen: T0 - 3_600_000,
    lastSeen: T0,
    perMinute: [],
    isNew: false,
    spiking: false,
    errorShare: 0,
    sample: '',
    ...over,
  };
}

function stateWithRelease() {
  const store = createConsoleStore('test', T0);
  store.setState({
    now: T0 + 60_000,
    incident: {
      ...store.getState().incident,
      events: [
        {
          at: T0,
          kind: 'release',
          severity: 'info',
          text: 'api v1.4.2 → v1.5.0',
          data: { service: 'api', host: 'demo', from: 'v1.4.2', to: 'v1.5.0', reason: 'scheduled deploy' },
        },
      ],
    },
  });
  return store.getState();
}

const origins: OriginCount[] = [
  { service: 'api', origin: 45, downstream: 2 },
  { service: 'gateway', origin: 5, downstream: 48, after: 'api' },
];

describe('the diagnosis', () => {
  it('names the release before the errors, the delay, the new failing template and the origin with its share', () => {
    const rows = [
      row({
        key: 'api#9',
        template: 'pricing rule lookup failed: column "discount_tier" does not exist',
        count: 40,
        firstSeen: T0 + 10_000,
        isNew: true,
        errorShare: 1,
      }),
      row({}),
    ];
    const d = diagnose(stateWithRelease(), rows, origins);
    expect(d).toMatchObject({
      errorsBeganAt: T0 + 10_000,
      change: { service: 'api', from: 'v1.4.2', to: 'v1.5.0', at: T0, delayMs: 10_000 },
      patterns: [{ service: 'api', kind: 'new', count: 40, firstSeen: T0 + 10_000 }],
      origin: { service: 'api', share: 0.9, requests: 50 },
    });
    expect(d?.summary).toBe(
      'api v1.5.0 at 02:06:20, errors 10s later · new on api: "pricing rule lookup failed: column "discount_ti…" · origin api (90% of 50 failing requests)',
    );
  });

  it('leaves out templates that are not failing, or strays of a line or two', () => {
    const rows = [
      row({ key: 'api#2', template: 'cache warmed', isNew: true, errorShare: 0 }),
      row({ key: 'api#3', template: 'odd one', isNew: true, errorShare: 1, count: 2 }),
    ];
    expect(diagnose(stateWithRelease(), rows, origins)?.patterns).toEqual([]);
  });

  it('never names a rollback as the change, even once the early errors have left the window', () => {
    const state = stateWithRelease();
    const rollback = {
      at: T0 + 5 * 60_000,
      kind: 'release' as const,
      severity: 'info' as const,
      text: 'api v1.5.0 → v1.4.2 (a rollback)',
      data: {
        service: 'api',
        host: 'demo',
        from: 'v1.5.0',
        to: 'v1.4.2',
        reason: 'a rollback',
        rollback: true,
      },
    };
    const after = { ...state, incident: { ...state.incident, events: [...state.incident.events, rollback] } };
    // No failing template left in the window: only the rule says it fires, since an unknown time.
    const api: ServiceSignalsView = {
      service: 'api',
      requests1m: 100,
      logRequests1m: 0,
      ratioSource: 'metrics',
      spark: [],
      rules: [{ id: 'error-ratio-critical', severity: 'critical', description: '5xx', state: 'firing' }],
      health: { up: 0, total: 0, targets: [] },
    };
    const firing = { ...after, signals: { api } };
    const d = diagnose(firing, [], []);
    expect(d?.change).toMatchObject({ service: 'api', from: 'v1.4.2', to: 'v1.5.0' });
    // v1.5.0 no longer runs: the line says it was replaced, not that errors come "with" it.
    expect(d?.change?.replaced).toEqual({ to: 'v1.4.2', at: rollback.at });
    expect(d?.summary).toMatch(/^api v1\.5\.0 at \d\d:\d\d:\d\d, replaced by v1\.4\.2 at \d\d:\d\d:\d\d/);
    expect(d?.summary).not.toMatch(/errors with it|later/);
    // Errors that begin after the rollback are not the rolled-back release's: no change is named.
    const later = row({
      key: 'api#5',
      template: 'client closed the request before the response was sent',
      count: 4,
      firstSeen: rollback.at + 60_000,
      isNew: true,
      errorShare: 1,
    });
    const afterRollback = diagnose(after, [later], []);
    expect(afterRollback?.change).toBeUndefined();
    expect(afterRollback?.summary).toBe('new on api: "client closed the request before the response w…"');
  });

  it('says nothing while nothing fails', () => {
    expect(diagnose(stateWithRelease(), [row({})], [])).toBeUndefined();
  });
});

describe('dependency errors: the infrastructure question', () => {
  const perMinute = (lastFive: number) => [...Array(25).fill(0), ...Array(5).fill(lastFive)];
  const bug = row({ key: 'api#2', template: 'TypeError: <*>', errorShare: 1, perMinute: perMinute(150) });
  const reset = (n: number) =>
    row({
      key: 'gw#1',
      source: 'gateway',
      template: 'connection reset by peer',
      errorShare: 1,
      perMinute: perMinute(n),
    });

  it('names a dependency that carries a real share of the recent errors', () => {
    expect(dependencyErrors([reset(60), bug])).toEqual([
      { service: 'gateway', template: 'connection reset by peer', count: 100 },
    ]);
    expect(dependencyErrors([reset(2)])).toHaveLength(1);
  });

  it('leaves stray resets beside a release bug, and fewer than three lines, as background', () => {
    expect(dependencyErrors([reset(2), bug])).toEqual([]);
    expect(dependencyErrors([row({ ...reset(0), perMinute: [...Array(29).fill(0), 2] })])).toEqual([]);
  });

  it('counts only the last five minutes and only failing templates', () => {
    const old = row({ ...reset(0), perMinute: [...Array(20).fill(0), 50, ...Array(9).fill(0)] });
    const info = row({ ...reset(60), errorShare: 0.1 });
    expect(dependencyErrors([old, info])).toEqual([]);
  });
});

describe('when the diagnosis is news', () => {
  it('is the same diagnosis when its templates only trade places by count', () => {
    const p = (template: string, count: number) => ({
      service: 'api',
      template,
      count,
      firstSeen: T0,
      kind: 'new' as const,
    });
    const a = { summary: 'a', patterns: [p('TypeError: <*>', 40), p('pricing rule lookup failed', 39)] };
    const b = { summary: 'b', patterns: [p('pricing rule lookup failed', 41), p('TypeError: <*>', 40)] };
    expect(diagnosisKey(a)).toBe(diagnosisKey(b));
    expect(diagnosisKey({ ...a, patterns: [p('another', 3)] })).not.toBe(diagnosisKey(a));
  });
});
