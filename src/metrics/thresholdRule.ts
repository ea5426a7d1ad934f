import type { Thresholds } from '../config/schema';
import { formatDuration, formatPercent } from '../text/duration';

/**
 * Threshold rules in the runbooks' shape: "above X for D". A rule is ok, pending (above the line,
 * waiting out D) or firing; crossing into firing or back to ok is a transition the timeline records.
 */
export interface ThresholdRuleSpec {
  id: string;
  severity: 'warning' | 'critical';
  /** What the rule means to an operator, e.g. "5xx ratio above 5% for 2m". */
  description: string;
  /** Which signal the rule watches: the 1m 5xx ratio, p95 latency (s), or the share of failing health checks. */
  signal: 'ratio' | 'p95' | 'health';
  above: number;
  /** p95 only: the line is also this many times the service's own baseline, whichever is lower. */
  baselineFactor?: number;
  forMs: number;
}

export type RuleState =
  | { state: 'ok' }
  | { state: 'pending'; since: number; value: number }
  | { state: 'firing'; since: number; value: number };

export type RuleTransition = {
  kind: 'fired' | 'cleared';
  rule: ThresholdRuleSpec;
  at: number;
  value: number;
};

export const RULE_OK: RuleState = { state: 'ok' };

/**
 * Advances one rule with the value observed at `now`. An unknown value (source down, no traffic)
 * changes nothing: it neither confirms a breach nor proves recovery.
 */
export function stepRule(
  rule: ThresholdRuleSpec,
  prev: RuleState,
  value: number | undefined,
  now: number,
): { next: RuleState; transition?: RuleTransition } {
  if (value === undefined) return { next: prev };
  if (value <= rule.above) {
    if (prev.state === 'firing')
      return { next: RULE_OK, transition: { kind: 'cleared', rule, at: now, value } };
    return { next: RULE_OK };
  }
  if (prev.state === 'ok') {
    if (rule.forMs <= 0) {
      return {
        next: { state: 'firing', since: now, value },
        transition: { kind: 'fired', rule, at: now, value },
      };
    }
    return { next: { state: 'pending', since: now, value } };
  }
  if (prev.state === 'pending' && now - prev.since >= rule.forMs) {
    return {
      next: { state: 'firing', since: now, value },
      transition: { kind: 'fired', rule, at: now, value },
    };
  }
  return { next: { ...prev, value } };
}

/** Milliseconds until a pending rule fires, for "pending 1m12s" in the pane. */
export function timeLeft(rule: ThresholdRuleSpec, state: RuleState, now: number): number | undefined {
  return state.state === 'pending' ? Math.max(0, state.since + rule.forMs - now) : undefined;
}

/** The configured thresholds as rules, in the order the pane lists them. */
export function rulesFromThresholds(t: Thresholds): ThresholdRuleSpec[] {
  const ratio = (
    id: string,
    severity: 'warning' | 'critical',
    r: { above: number; for: number },
  ): ThresholdRuleSpec => ({
    id,
    severity,
    signal: 'ratio',
    description: `5xx ratio above ${formatPercent(r.above, 0)} for ${formatDuration(r.for)}`,
    above: r.above,
    forMs: r.for,
  });
  return [
    ratio('error-ratio-warning', 'warning', t.warning),
    ratio('error-ratio-critical', 'critical', t.critical),
    ratio('error-ratio-sustained', 'critical', t.sustained),
    {
      id: 'latency-p95',
      severity: 'warning',
      signal: 'p95',
      description: `p95 above ${t.latency.baselineFactor}x baseline or ${formatDuration(t.latency.above)} for ${formatDuration(t.latency.for)}`,
      above: t.latency.above / 1000,
      baselineFactor: t.latency.baselineFactor,
      forMs: t.latency.for,
    },
    {
      id: 'health-degraded',
      severity: 'warning',
      signal: 'health',
      description: `over ${formatPercent(t.health.failingShare, 0)} of health checks failing for ${formatDuration(t.health.for)}`,
      above: t.health.failingShare,
      forMs: t.health.for,
    },
    {
      id: 'complete-outage',
      severity: 'critical',
      signal: 'health',
      description: `every health check failing for ${formatDuration(t.health.outageFor)}`,
      above: 0.999,
      forMs: t.health.outageFor,
    },
  ];
}
