import type { ContainerStatus } from '../model/sourceEvents';
import { ErrorRateWindow, type WindowRate } from './errorRateWindow';
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

/** The health target a container's own check is counted under, in its service's health. */
export function containerHealthTargetName(c: Pick<ContainerStatus, 'id'>): string {
  return `container ${c.id}`;
}

/**
 * A container's own health check (Docker's HEALTHCHECK, a pod's readiness) as one of its service's
 * health targets; undefined when it has none, or while its engine cannot be reached (unknown is not
 * failing). `hadCheck`: it reported one before, so a stopped container counts as failing it.
 */
export function containerHealthTarget(
  c: ContainerStatus,
  hadCheck: boolean,
  at: number,
): HealthTargetView | undefined {
  if (c.state === 'unknown') return undefined;
  if (c.health === 'none' && (!hadCheck || c.state === 'running')) return undefined;
  const target = containerHealthTargetName(c);
  if (c.state !== 'running') {
    const exit = c.exitCode !== undefined ? ` (exit ${c.exitCode})` : '';
    return { target, ok: false, at, latencyMs: 0, detail: `${c.state}${exit}` };
  }
  if (c.health === 'healthy') return { target, ok: true, at, latencyMs: 0 };
  const streak = c.healthFailingStreak ? ` ×${c.healthFailingStreak}` : '';
  return { target, ok: false, at, latencyMs: 0, detail: `${c.health}${streak}` };
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
  /** The same ratio counted from the service's own log lines (status >= 500, or error level). */
  logRatio1m?: number;
  logRequests1m: number;
  /** Where the main ratio comes from. */
  ratioSource: 'metrics' | 'logs' | 'none';
  p95Seconds?: number;
  spark: (number | undefined)[];
  /**
   * Requests in the last 5 minutes over the same 5 minutes half an hour before; undefined until both
   * are known and the earlier one had traffic.
   */
  trafficGrowth?: number;
  unknownReason?: string;
  rules: RuleView[];
  health: { up: number; total: number; targets: HealthTargetView[] };
}

/** Requests now against half an hour ago (see the view's `trafficGrowth`). */
function trafficGrowth(w: ErrorRateWindow, now: number): { trafficGrowth?: number } {
  const recent = w.between(now - 5 * 60_000, now);
  const before = w.between(now - 35 * 60_000, now - 30 * 60_000);
  return before.requests > 0 && recent.ratio !== undefined
    ? { trafficGrowth: recent.requests / before.requests }
    : {};
}

/** Median of the p95 readings from 30 to 10 minutes ago: the service's normal, before the trouble. */
function p95Baseline(history: { at: number; p95: number }[], now: number): number | undefined {
  const older = history
    .filter((h) => h.at <= now - 10 * 60_000 && h.at >= now - 30 * 60_000)
    .map((h) => h.p95);
  if (older.length < 5) return undefined;
  older.sort((a, b) => a - b);
  return older[Math.floor(older.length / 2)];
}

/**
 * The signals of one service: request counters in sliding windows, health per target, and the
 * threshold rules judged on the one-minute ratio. Pure: time comes in as arguments.
 */
export class ServiceSignals {
  private readonly window = new ErrorRateWindow();
  private readonly logWindow = new ErrorRateWindow();
  private readonly ruleStates = new Map<string, RuleState>();
  private readonly health = new Map<string, HealthTargetView>();
  private readonly p95History: { at: number; p95: number }[] = [];
  private p95Seconds: number | undefined;
  private externalRatio: number | undefined;
  private unknownReason: string | undefined;
  private lastCountersAt: number | undefined;
  /** The time the last replay of the rules ran to: transitions up to it have been reported. */
  private replayedThrough = Number.NEGATIVE_INFINITY;
  private lastLogCountsAt: number | undefined;

  constructor(
    readonly service: string,
    private readonly rules: ThresholdRuleSpec[],
  ) {}

  addCounters(at: number, total: number, errors: number, p95Seconds?: number, ratio1m?: number): void {
    this.window.add(at, total, errors);
    this.lastCountersAt = at;
    this.p95Seconds = p95Seconds;
    this.externalRatio = ratio1m;
    if (p95Seconds !== undefined) {
      this.p95History.push({ at, p95: p95Seconds });
      while ((this.p95History[0]?.at ?? at) < at - 31 * 60_000) this.p95History.shift();
    }
    this.unknownReason = undefined;
  }

  /** Cumulative request and error counts derived from log lines. */
  addLogCounts(at: number, requests: number, errors: number): void {
    this.logWindow.add(at, requests, errors);
    this.lastLogCountsAt = at;
  }

  /** Requests and errors counted from lines read back from before the console opened (see `ErrorRateWindow.insert`). */
  addLogHistory(buckets: readonly { at: number; requests: number; errors: number }[], widthMs: number): void {
    this.logWindow.insert(buckets, widthMs);
    this.lastLogCountsAt ??= buckets.at(-1)?.at;
  }

  markUnknown(reason: string): void {
    this.unknownReason = reason;
  }

  addHealth(view: HealthTargetView): void {
    this.health.set(view.target, view);
  }

  /** A target that is gone (its container removed): it neither passes nor fails any more. */
  removeHealth(target: string): void {
    this.health.delete(target);
  }

  private metricsKnown(now: number): boolean {
    return (
      this.lastCountersAt !== undefined && now - this.lastCountersAt <= STALE_AFTER_MS && !this.unknownReason
    );
  }

  private logsKnown(now: number): boolean {
    return this.lastLogCountsAt !== undefined && now - this.lastLogCountsAt <= STALE_AFTER_MS;
  }

  /** Metrics when the service has them; its logs only when it never had metrics. */
  private source(now: number): 'metrics' | 'logs' | 'none' {
    if (this.lastCountersAt !== undefined) return this.metricsKnown(now) ? 'metrics' : 'none';
    return this.logsKnown(now) ? 'logs' : 'none';
  }

  private ratio1m(now: number): number | undefined {
    const src = this.source(now);
    if (src === 'metrics') return this.externalRatio ?? this.window.over(60_000).ratio;
    if (src === 'logs') return this.logWindow.over(60_000).ratio;
    return undefined;
  }

  private failingShare(): number | undefined {
    const targets = [...this.health.values()];
    return targets.length === 0 ? undefined : targets.filter((t) => !t.ok).length / targets.length;
  }

  /** The rule with its line for now: the p95 line follows the service's own baseline. */
  private effective(rule: ThresholdRuleSpec, now: number): ThresholdRuleSpec {
    if (rule.signal !== 'p95' || rule.baselineFactor === undefined) return rule;
    const baseline = p95Baseline(this.p95History, now);
    return baseline === undefined
      ? rule
      : { ...rule, above: Math.min(rule.above, baseline * rule.baselineFactor) };
  }

  private valueFor(rule: ThresholdRuleSpec, now: number): number | undefined {
    if (rule.signal === 'ratio') return this.ratio1m(now);
    if (rule.signal === 'p95') return this.metricsKnown(now) ? this.p95Seconds : undefined;
    return this.failingShare();
  }

  /** Advances the rules to `now`; returns the fired/cleared transitions. */
  evaluate(now: number): RuleTransition[] {
    const transitions: RuleTransition[] = [];
    for (const spec of this.rules) {
      const rule = this.effective(spec, now);
      const { next, transition } = stepRule(
        rule,
        this.ruleStates.get(rule.id) ?? RULE_OK,
        this.valueFor(rule, now),
        now,
      );
      this.ruleStates.set(rule.id, next);
      if (transition) transitions.push(transition);
    }
    return transitions;
  }

  /**
   * Judges the ratio and p95 rules again over every reading held, oldest first, so a rule whose
   * condition held before the console opened (readings read back) is pending or firing since then,
   * not since now. Health has no history: its rules keep their state. Returns what changed: a rule
   * now firing that was not (at the time it fired), or one no longer firing (now).
   */
  replayRules(now: number): RuleTransition[] {
    const source = this.lastCountersAt !== undefined ? this.window : this.logWindow;
    const before = new Map(this.ruleStates);
    const replayed = this.rules.filter((r) => r.signal !== 'health');
    for (const r of replayed) this.ruleStates.set(r.id, RULE_OK);
    /** Each rule's transitions in the replayed past, in time order. */
    const past = new Map<string, RuleTransition[]>();
    for (const at of source.times()) {
      if (at > now) break;
      for (const spec of replayed) {
        const rule = this.effective(spec, at);
        const value = rule.signal === 'ratio' ? source.between(at - 60_000, at).ratio : this.p95At(at);
        const { next, transition } = stepRule(rule, this.ruleStates.get(rule.id) ?? RULE_OK, value, at);
        if (transition) past.set(rule.id, [...(past.get(rule.id) ?? []), transition]);
        this.ruleStates.set(rule.id, next);
      }
    }
    // What changed from the state before this replay: a rule that fired and cleared again in the
    // past (a burst before the console opened) is both, at their times; transitions an earlier
    // replay already reported are not said twice.
    const changed: RuleTransition[] = [];
    for (const rule of replayed) {
      const was = before.get(rule.id) ?? RULE_OK;
      let firing = was.state === 'firing';
      for (const t of past.get(rule.id) ?? []) {
        if (t.at <= this.replayedThrough || (t.kind === 'fired') === firing) continue;
        changed.push(t);
        firing = t.kind === 'fired';
      }
      const is = this.ruleStates.get(rule.id) ?? RULE_OK;
      if (is.state === 'firing' && !firing)
        changed.push({ kind: 'fired', rule, at: is.since, value: is.value });
      else if (is.state !== 'firing' && firing)
        changed.push({ kind: 'cleared', rule, at: now, value: was.state === 'firing' ? was.value : 0 });
    }
    this.replayedThrough = now;
    return changed;
  }

  /** The p95 reading at or just before `at` (no older than a minute). */
  private p95At(at: number): number | undefined {
    let found: number | undefined;
    for (const h of this.p95History) {
      if (h.at > at) break;
      if (h.at >= at - 60_000) found = h.p95;
    }
    return found;
  }

  /** Requests and errors since `since` (a rollback finished, say): nothing from before it counts. */
  rateSince(since: number, now: number): WindowRate | undefined {
    const source = this.source(now);
    if (source === 'none') return undefined;
    return (source === 'logs' ? this.logWindow : this.window).between(since, now);
  }

  view(now: number, sparkBuckets: number): ServiceSignalsView {
    const source = this.source(now);
    const known = source !== 'none';
    const main = source === 'logs' ? this.logWindow : this.window;
    const r1 = main.over(60_000);
    const ratio1m = this.ratio1m(now);
    const logs = this.logsKnown(now) ? this.logWindow.over(60_000) : undefined;
    const targets = [...this.health.values()];
    return {
      service: this.service,
      ...(ratio1m !== undefined && { ratio1m }),
      ...(known && { ratio5m: main.over(5 * 60_000).ratio, ratio10m: main.over(10 * 60_000).ratio }),
      requests1m: known ? r1.requests : 0,
      ...(logs?.ratio !== undefined && { logRatio1m: logs.ratio }),
      logRequests1m: logs?.requests ?? 0,
      ratioSource: source,
      ...(source === 'metrics' && this.p95Seconds !== undefined && { p95Seconds: this.p95Seconds }),
      spark: main.series(now, SPARK_SPAN_MS, sparkBuckets),
      ...(known && trafficGrowth(main, now)),
      ...(!known && { unknownReason: this.unknownReason ?? 'no data yet' }),
      rules: this.rules.map((spec) => {
        const rule = this.effective(spec, now);
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
