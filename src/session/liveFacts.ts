import { originService } from '../logs/requestOrigins';
import { rolloutState, serviceOf } from '../model/sourceEvents';
import type { LiveFacts } from '../playbooks/evaluateCondition';
import type { ConsoleState } from '../store/consoleStore';
import { allAlerts, hasAlertSource, releaseEvents } from '../store/selectors';

/** The triage's view of the console's live data. */
export function liveFactsFrom(state: ConsoleState): LiveFacts {
  const services: LiveFacts['services'] = {};
  for (const v of Object.values(state.signals)) {
    const ratio: Partial<Record<'1m' | '5m' | '10m', number>> = {};
    if (v.ratio1m !== undefined) ratio['1m'] = v.ratio1m;
    if (v.ratio5m !== undefined) ratio['5m'] = v.ratio5m;
    if (v.ratio10m !== undefined) ratio['10m'] = v.ratio10m;
    services[v.service] = {
      ratio,
      ...(v.p95Seconds !== undefined && { p95Seconds: v.p95Seconds }),
      rules: Object.fromEntries(v.rules.map((r) => [r.id, r.state])),
      rulesLeftMs: Object.fromEntries(
        v.rules.flatMap((r) => (r.leftMs !== undefined ? [[r.id, r.leftMs]] : [])),
      ),
      ...(v.health.total > 0 && {
        health: {
          up: v.health.up,
          total: v.health.total,
          failing: v.health.targets.filter((t) => !t.ok).map((t) => `${t.target} ${t.detail ?? 'down'}`),
        },
      }),
      ...(v.trafficGrowth !== undefined && { trafficGrowth: v.trafficGrowth }),
    };
  }
  for (const c of Object.values(state.containers)) {
    const s = services[serviceOf(c)] ?? services[c.name];
    if (!s) continue;
    s.restarts = (s.restarts ?? 0) + c.restarts;
    if (c.cpuPercent !== undefined) s.cpuPercent = Math.max(s.cpuPercent ?? 0, c.cpuPercent);
  }
  for (const e of releaseEvents(state)) {
    const s = services[e.data.service];
    if (s) s.lastReleaseAt = Math.max(s.lastReleaseAt ?? 0, e.at);
  }
  // A Kubernetes workload is a service even before its logs or metrics name it.
  for (const w of Object.values(state.workloads)) {
    const s = services[w.name] ?? {};
    services[w.name] = s;
    s.rollout = {
      state: rolloutState(w),
      text: `${w.kind} ${w.namespace}/${w.name}: ${w.updated}/${w.desired} updated, ${w.available} available${w.current > w.updated ? `, ${w.current - w.updated} old` : ''}${w.observedGeneration < w.generation ? ', spec not yet seen by the controller' : ''}`,
    };
  }
  for (const [name, since] of Object.entries(state.releaseWatch)) {
    const s = services[name];
    if (s) s.releasesWatchedSince = since;
  }
  for (const [name, s] of Object.entries(services)) {
    const before = previousVersion(state, name);
    if (before) s.previousVersion = before;
  }
  const active = state.incident.active;
  const alertsKnown =
    hasAlertSource(state) && state.alerts?.unknown === undefined && state.alertRules?.unknown === undefined;
  return {
    now: state.now,
    services,
    ...(alertsKnown && { alerts: allAlerts(state) }),
    dependencyErrors: state.dependencyErrors,
    ...(active && active.status !== 'resolved' && { incident: { id: active.id, severity: active.severity } }),
  };
}

/**
 * The service to act on: where the failures start (the first to fail requests that fail on several
 * services) when it is failing itself; else the one whose critical rule fires, else the worst 1m
 * ratio above the warning line.
 */
export function failingService(state: ConsoleState): string | undefined {
  const signals = Object.values(state.signals);
  const origin = originService(state.origins);
  const originSignals = signals.find((s) => s.service === origin);
  if (
    originSignals &&
    ((originSignals.ratio1m ?? 0) > 0.01 || originSignals.rules.some((r) => r.state !== 'ok'))
  )
    return origin;
  const firing = signals.filter((s) =>
    s.rules.some((r) => r.id === 'error-ratio-critical' && r.state !== 'ok'),
  );
  const pool = firing.length > 0 ? firing : signals.filter((s) => (s.ratio1m ?? 0) > 0.01);
  // The deepest service in a call chain shows the errors its callers pass on; the one released last is the likelier cause.
  const lastRelease = (name: string) =>
    Math.max(
      0,
      ...releaseEvents(state)
        .filter((e) => e.data.service === name)
        .map((e) => e.at),
    );
  return [...pool].sort(
    (a, b) => lastRelease(b.service) - lastRelease(a.service) || (b.ratio1m ?? 0) - (a.ratio1m ?? 0),
  )[0]?.service;
}

/** The release before the current one of `service`, from the releases observed. */
export function previousVersion(state: ConsoleState, service: string): string | undefined {
  return releaseEvents(state).findLast((e) => e.data.service === service)?.data.from;
}
