import type { Thresholds } from '../config/schema';
import { formatPercent } from '../text/duration';
import { ErrorRateWindow } from './errorRateWindow';
import {
  RULE_OK,
  type RuleState,
  type RuleTransition,
  stepRule,
  type ThresholdRuleSpec,
  timeLeft,
} from './thresholdRule';

export const SPARK_SPAN_MS = 30 * 60_000;
/** Counters older than this make the service's rates "unknown" rather than stale numbers. */
export const STALE_AFTER_MS = 10_000;

export interface HealthTargetView {
  target: string;
  ok: boolean;
  at: number;
  latencyMs: number;
  detail?: string;
}

export interface RuleView {
  id: string;
  severity: ThresholdRuleSpec['severity'];
  description: string;
  state: RuleState['state'];
  value?: number;
  since?: number;
  leftMs?: number;
}

/** What the error-rate pane and `status` show for one service. */
export interface ServiceSignalsView {
  service: string;
  /** Undefined means unknown (no data or the source is failing), never "0%". */
  ratio1m?: number;
  ratio5m?: number;
  ratio10m?: number;
  requests1m: number;
  p95Seconds?: number;
  spark: (number | undefined)[];
  unknownReason?: string;
  rules: RuleView[];
  health: { up: number; total: number; targets: HealthTargetView[] };
}

export function rulesFromThresholds(t: Thresholds): ThresholdRuleSpec[] {
  const describe = (above: number, forMs: number) =>
    `5xx ratio above ${formatPercent(above, 0)} for ${forMs / 60_000}m`;
  return [
    {
      id: 'error-ratio-warning',
      severity: 'warning',
      description: describe(t.warning.above, t.warning.for),
      above: t.warning.above,
      forMs: t.warning.for,
    },
    {
      id: 'error-ratio-critical',
      severity: 'critical',
      description: describe(t.critical.above, t.critical.for),
      above: t.critical.above,
      forMs: t.critical.for,
    },
    {
      id: 'error-ratio-sustained',
      severity: 'critical',
      description: describe(t.sustained.above, t.sustained.for),
      above: t.sustained.above,
      forMs: t.sustained.for,
    },
  ];
}

/**
 * The signals of one service: request counters in sliding windows, health per target, and the
 * threshold rules judged on the one-minute ratio. Pure: time comes in as arguments.
 */
export class ServiceSignals {
  private readonly window = new ErrorRateWindow();
  private readonly ruleStates = new Map<string, RuleState>();
  private readonly health = new Map<string, HealthTargetView>();
  private p95Seconds: number | undefined;
  private unknownReason: string | undefined;
  private lastCountersAt: number | undefined;

  constructor(
    readonly service: string,
    private readonly rules: ThresholdRuleSpec[],
  ) {}

  addCounters(at: number, total: number, errors: number, p95Seconds?: number): void {
    this.window.add(at, total, errors);
    this.lastCountersAt = at;
    this.p95Seconds = p95Seconds;
    this.unknownReason = undefined;
  }

  markUnknown(reason: string): void {
    this.unknownReason = reason;
  }

  addHealth(view: HealthTargetView): void {
    this.health.set(view.target, view);
  }

  private known(now: number): boolean {
    return (
      this.lastCountersAt !== undefined && now - this.lastCountersAt <= STALE_AFTER_MS && !this.unknownReason
    );
  }

  /** Advances the rules to `now`; returns the fired/cleared transitions. */
  evaluate(now: number): RuleTransition[] {
    const value = this.known(now) ? this.window.over(60_000).ratio : undefined;
    const transitions: RuleTransition[] = [];
    for (const rule of this.rules) {
      const { next, transition } = stepRule(rule, this.ruleStates.get(rule.id) ?? RULE_OK, value, now);
      this.ruleStates.set(rule.id, next);
      if (transition) transitions.push(transition);
    }
    return transitions;
  }

  view(now: number, sparkBuckets: number): ServiceSignalsView {
    const known = this.known(now);
    const r1 = this.window.over(60_000);
    const targets = [...this.health.values()];
    return {
      service: this.service,
      ...(known && r1.ratio !== undefined && { ratio1m: r1.ratio }),
      ...(known && {
        ratio5m: this.window.over(5 * 60_000).ratio,
        ratio10m: this.window.over(10 * 60_000).ratio,
      }),
      requests1m: known ? r1.requests : 0,
      ...(known && this.p95Seconds !== undefined && { p95Seconds: this.p95Seconds }),
      spark: this.window.series(now, SPARK_SPAN_MS, sparkBuckets),
      ...(!known && { unknownReason: this.unknownReason ?? 'no data yet' }),
      rules: this.rules.map((rule) => {
        const state = this.ruleStates.get(rule.id) ?? RULE_OK;
        const left = timeLeft(rule, state, now);
        return {
          id: rule.id,
          severity: rule.severity,
          description: rule.description,
          state: state.state,
          ...(state.state !== 'ok' && { value: state.value, since: state.since }),
          ...(left !== undefined && { leftMs: left }),
        };
      }),
      health: { up: targets.filter((t) => t.ok).length, total: targets.length, targets },
    };
  }
}
