import type { ServiceSignals, ServiceSignalsView } from '../../metrics/serviceSignals';
import type { RuleTransition } from '../../metrics/thresholdRule';
import type { NotableEvent } from '../../model/notableEvent';
import { formatPercent } from '../../text/duration';
import type { Reducer } from './draft';

export const SPARK_BUCKETS = 30;

export const counters: Reducer<'counters'> = (draft, e, ctx) => {
  ctx.signalsFor(e.service).addCounters(e.at, e.total, e.errors, e.p95Seconds, e.ratio1m);
  // Readings from before the console opened (Prometheus's range): the rules are judged over them.
  if (e.at < ctx.openedAt) ctx.replay.add(e.service);
  draft.signalsChanged = true;
};

export const countersUnknown: Reducer<'counters-unknown'> = (draft, e, ctx) => {
  ctx.signalsFor(e.service).markUnknown(e.reason);
  draft.signalsChanged = true;
};

/** A health check is a reading of the service, and its reported version may be a release. */
export const health: Reducer<'health'> = (draft, e, ctx) => {
  const release = e.version ? ctx.releases.reportedVersion(e.service, e.target, e.version, e.at) : undefined;
  if (release) draft.notable.push(release);
  ctx.signalsFor(e.service).addHealth({
    target: e.target,
    ok: e.ok,
    at: e.at,
    latencyMs: e.latencyMs,
    ...((e.error ?? e.httpStatus) !== undefined && { detail: e.error ?? `HTTP ${e.httpStatus}` }),
  });
  draft.signalsChanged = true;
};

/** `readBack`: it happened before the console opened, as judged from what the sources read back. */
export function transitionEvent(service: string, t: RuleTransition, readBack = false): NotableEvent {
  const verb = t.kind === 'fired' ? 'FIRING' : 'cleared';
  const when = readBack ? ', before the console opened' : '';
  return {
    at: t.at,
    kind: t.kind === 'fired' ? 'rule-fired' : 'rule-cleared',
    severity: t.kind === 'fired' ? t.rule.severity : 'info',
    text: `${service}: ${t.rule.description} ${verb} (1m ratio ${formatPercent(t.value)}${when})`,
    data: {
      service,
      rule: t.rule.id,
      description: t.rule.description,
      value: t.value,
      above: t.rule.above,
      forMs: t.rule.forMs,
    },
  };
}

/** Every service's view for the rates pane; rules that fired or cleared become notable events. */
export function evaluateSignals(
  signals: Map<string, ServiceSignals>,
  now: number,
  notable: NotableEvent[],
): Record<string, ServiceSignalsView> {
  const views: Record<string, ServiceSignalsView> = {};
  for (const [service, s] of signals) {
    for (const t of s.evaluate(now)) notable.push(transitionEvent(service, t));
    views[service] = s.view(now, SPARK_BUCKETS);
  }
  return views;
}
