import { type Alert, labelText } from '../model/alerts';
import type { Evaluation, Verdict } from '../model/playbookView';
import { formatDuration, formatPercent } from '../text/duration';
import type { AlertCondition, Condition } from './schema';

/** What the live data says, as the triage questions need it. Absent fields are unknown. */
export interface LiveFacts {
  now: number;
  services: Record<
    string,
    {
      ratio?: Partial<Record<'1m' | '5m' | '10m', number>>;
      p95Seconds?: number;
      rules?: Record<string, 'ok' | 'pending' | 'firing'>;
      /** For a pending rule, how long until it fires if nothing changes. */
      rulesLeftMs?: Record<string, number>;
      /** Its health checks: URLs, and its containers' own (Docker's HEALTHCHECK, a pod's readiness). */
      health?: { up: number; total: number; failing?: string[] };
      restarts?: number;
      /** The last release, if one was seen. */
      lastReleaseAt?: number;
      /**
       * Since when a source able to see this service's releases has watched it: "nothing deployed
       * in the last hour" holds only for a service watched that whole hour.
       */
      releasesWatchedSince?: number;
      /** The busiest of its containers' CPU, in percent of a core. */
      cpuPercent?: number;
      /** Requests in the last 5 minutes over the same 5 minutes half an hour before. */
      trafficGrowth?: number;
      /** The release before the current one, when the console saw it change. */
      previousVersion?: string;
      /** A Kubernetes workload's rollout, as `kubectl rollout status` judges it. */
      rollout?: { state: 'complete' | 'progressing' | 'stalled'; text: string };
    }
  >;
  /**
   * Set while a verification after a step is judged: error ratios then count only the requests since
   * the step finished, so a trailing window full of errors from before it does not hold it back.
   */
  since?: number;
  /** Requests and errors of a service since a time, when the console keeps its counters. */
  rateSince?: (service: string, since: number) => { requests: number; ratio: number | undefined } | undefined;
  /**
   * Each threshold rule's line, hold time and signal (the same for every service): what "the rule
   * cleared" means when judged on the data since a step.
   */
  ruleLines?: Record<string, { above: number; forMs: number; signal: 'ratio' | 'p95' | 'health' }>;
  /** The open incident, when there is one. */
  incident?: { id: string; severity: string };
  /** The team's alerts now; absent when there is no alert source or it cannot be read. */
  alerts?: readonly Alert[];
  /**
   * Templates of recent failing lines that name a dependency failing (connection refused, timeouts,
   * too many connections); absent when no logs are read.
   */
  dependencyErrors?: readonly { service: string; template: string; count: number }[];
}

function evaluateAlert(c: AlertCondition, facts: LiveFacts): Evaluation {
  const what = [c.name, c.labels && labelText(c.labels)].filter(Boolean).join(' ');
  if (!facts.alerts) return { verdict: 'unknown', evidence: [`alerts unknown (looking for ${what})`] };
  const state = c.state ?? 'firing';
  const held = facts.alerts.filter(
    (a) =>
      (c.name === undefined || a.name === c.name) &&
      Object.entries(c.labels ?? {}).every(([k, v]) => a.labels[k] === v) &&
      (state === 'any' || a.state === state),
  );
  const long = held.filter((a) => facts.now - a.startsAt >= (c.forAtLeast ?? 0));
  const since = c.forAtLeast ? ` for ${formatDuration(c.forAtLeast)}` : '';
  if (long.length > 0)
    return {
      verdict: 'yes',
      evidence: long
        .slice(0, 3)
        .map(
          (a) =>
            `${a.name} ${a.state} since ${formatDuration(facts.now - a.startsAt)} ${labelText(a.labels, ['alertname'])}`,
        ),
    };
  return {
    verdict: 'no',
    evidence: [
      held.length > 0
        ? `${what} ${state}, but not yet${since}`
        : `no ${state === 'any' ? '' : `${state} `}alert ${what}`,
    ],
  };
}

function serviceNames(facts: LiveFacts, service: string | undefined): string[] {
  return service ? [service] : Object.keys(facts.services);
}

/** Combines per-service verdicts: yes if any says yes, unknown if any is unknown and none says yes. */
/** Evidence of several results, each line once (two parts of a condition often check one thing). */
const evidenceOf = (results: Evaluation[]) => [...new Set(results.flatMap((r) => r.evidence))];

function anyOf(results: Evaluation[]): Evaluation {
  const yes = results.filter((r) => r.verdict === 'yes');
  if (yes.length > 0) return { verdict: 'yes', evidence: evidenceOf(yes) };
  const unknown = results.filter((r) => r.verdict === 'unknown');
  if (unknown.length > 0 || results.length === 0) {
    return {
      verdict: 'unknown',
      evidence: results.length === 0 ? ['no services reporting'] : evidenceOf(unknown),
    };
  }
  return { verdict: 'no', evidence: evidenceOf(results) };
}

function allOf(results: Evaluation[]): Evaluation {
  const no = results.filter((r) => r.verdict === 'no');
  if (no.length > 0) return { verdict: 'no', evidence: evidenceOf(no) };
  const unknown = results.filter((r) => r.verdict === 'unknown');
  if (unknown.length > 0) return { verdict: 'unknown', evidence: evidenceOf(unknown) };
  return { verdict: 'yes', evidence: evidenceOf(results) };
}

const verdict = (b: boolean): Verdict => (b ? 'yes' : 'no');

/** Fewer requests than this since a step says nothing yet about its effect. */
const MIN_REQUESTS_SINCE = 20;

/**
 * The rule that fired has cleared, judged as the rule judges, on the data since the step alone: at
 * least MIN_REQUESTS_SINCE requests, under the rule's line for the rule's hold time, and the rule
 * itself no longer firing (so the verification never passes while the pane says FIRING). Without a
 * step to count from (or for a rule not on the 5xx ratio), the rule's state alone.
 */
function ruleCleared(id: string, name: string, facts: LiveFacts): Evaluation {
  const state = facts.services[name]?.rules?.[id];
  if (state === undefined) return { verdict: 'unknown', evidence: [`${name} rule ${id} unknown`] };
  const spec = facts.ruleLines?.[id];
  const now = `${id} ${state === 'ok' ? 'cleared' : state}`;
  if (facts.since === undefined || spec?.signal !== 'ratio')
    return { verdict: verdict(state === 'ok'), evidence: [`${name} ${now}`] };
  const rate = facts.rateSince?.(name, facts.since);
  if (!rate || rate.ratio === undefined)
    return { verdict: 'unknown', evidence: [`${name}: no requests counted since the step; ${now}`] };
  const under = rate.ratio <= spec.above;
  const held = Math.max(0, facts.now - facts.since);
  const evidence = [
    `${name} since the step: ${rate.requests} requests${rate.requests < MIN_REQUESTS_SINCE ? ` (of ${MIN_REQUESTS_SINCE} needed)` : ''}, 5xx ${formatPercent(rate.ratio)} ${under ? '≤' : '>'} ${formatPercent(spec.above, 0)}`,
    // The hold counts only while the requests since the step are under the line.
    under
      ? `${formatDuration(Math.min(held, spec.forMs))} of ${formatDuration(spec.forMs)} held`
      : `not held: over the line (${formatDuration(spec.forMs)} needed under it)`,
    now,
  ];
  if (!under || state !== 'ok') return { verdict: 'no', evidence };
  if (rate.requests < MIN_REQUESTS_SINCE || held < spec.forMs) return { verdict: 'unknown', evidence };
  return { verdict: 'yes', evidence };
}

/**
 * Evaluates a condition on live data in three-valued logic: a missing number never counts as zero,
 * it makes the answer "unknown" so the console says so and asks the operator.
 */
export function evaluateCondition(c: Condition, facts: LiveFacts): Evaluation {
  if ('all' in c) return allOf(c.all.map((x) => evaluateCondition(x, facts)));
  if ('any' in c) return anyOf(c.any.map((x) => evaluateCondition(x, facts)));
  if ('not' in c) {
    const inner = evaluateCondition(c.not, facts);
    return {
      verdict: inner.verdict === 'unknown' ? 'unknown' : inner.verdict === 'yes' ? 'no' : 'yes',
      evidence: inner.evidence,
    };
  }
  if ('errorRatio' in c) {
    const { service, window, above, below } = c.errorRatio;
    // "Above" holds when any service is above; "below" only when every service is below.
    const combine = above === undefined && below !== undefined ? allOf : anyOf;
    return combine(
      serviceNames(facts, service).map((name) => {
        const sinceStep = facts.since !== undefined ? facts.rateSince?.(name, facts.since) : undefined;
        if (sinceStep && sinceStep.requests < MIN_REQUESTS_SINCE)
          return {
            verdict: 'unknown',
            evidence: [`${name}: only ${sinceStep.requests} requests since the step finished`],
          };
        const r = sinceStep ? sinceStep.ratio : facts.services[name]?.ratio?.[window];
        const label = sinceStep ? `since the step (${sinceStep.requests} requests)` : window;
        if (r === undefined) return { verdict: 'unknown', evidence: [`${name} ${window} 5xx unknown`] };
        const okAbove = above === undefined || r > above;
        const okBelow = below === undefined || r < below;
        const line =
          above !== undefined
            ? `${r > above ? '>' : '≤'} ${formatPercent(above, 0)}`
            : `${r < (below ?? 0) ? '<' : '≥'} ${formatPercent(below ?? 0, 0)}`;
        return {
          verdict: verdict(okAbove && okBelow),
          evidence: [`${name} ${label} 5xx ${formatPercent(r)} ${line}`],
        };
      }),
    );
  }
  if ('rule' in c) {
    const { id, state, service } = c.rule;
    return anyOf(
      serviceNames(facts, service).map((name) => {
        const s = facts.services[name]?.rules?.[id];
        if (s === undefined) return { verdict: 'unknown', evidence: [`${name} rule ${id} unknown`] };
        const left = s === 'pending' ? facts.services[name]?.rulesLeftMs?.[id] : undefined;
        return {
          verdict: verdict(s === state),
          evidence: [
            `${name} ${id} ${s}${left !== undefined ? ` (fires in ${formatDuration(left)} if it holds)` : ''}`,
          ],
        };
      }),
    );
  }
  if ('healthFailing' in c) {
    let up = 0;
    let total = 0;
    const failingChecks: string[] = [];
    for (const s of Object.values(facts.services)) {
      up += s.health?.up ?? 0;
      total += s.health?.total ?? 0;
      failingChecks.push(...(s.health?.failing ?? []));
    }
    if (total === 0) return { verdict: 'unknown', evidence: ['no health checks reporting'] };
    const failing = (total - up) / total;
    const { above, atLeast } = c.healthFailing;
    const yes = (above === undefined || failing > above) && (atLeast === undefined || failing >= atLeast);
    // The checks that fail, named (the first few): which container, and how long it has failed.
    const named =
      failingChecks.length > 0
        ? `: ${failingChecks.slice(0, 3).join(', ')}${failingChecks.length > 3 ? ', …' : ''}`
        : '';
    return { verdict: verdict(yes), evidence: [`${total - up}/${total} health checks failing${named}`] };
  }
  if ('p95' in c) {
    return anyOf(
      serviceNames(facts, c.p95.service).map((name) => {
        const p = facts.services[name]?.p95Seconds;
        if (p === undefined) return { verdict: 'unknown', evidence: [`${name} p95 unknown`] };
        return {
          verdict: verdict(p > c.p95.aboveSeconds),
          evidence: [`${name} p95 ${Math.round(p * 1000)}ms`],
        };
      }),
    );
  }
  if ('restarts' in c) {
    return anyOf(
      serviceNames(facts, c.restarts.service).map((name) => {
        const n = facts.services[name]?.restarts;
        if (n === undefined) return { verdict: 'unknown', evidence: [`${name} restarts unknown`] };
        return { verdict: verdict(n > c.restarts.above), evidence: [`${name} ${n} restarts`] };
      }),
    );
  }
  if ('alert' in c) return evaluateAlert(c.alert, facts);
  if ('rolloutComplete' in c)
    return anyOf(
      serviceNames(facts, c.rolloutComplete.service).map((name) => {
        const r = facts.services[name]?.rollout;
        if (!r)
          return {
            verdict: 'unknown',
            evidence: [`${name}: no Kubernetes workload of that name is watched`],
          };
        // A stalled rollout will not complete on its own: no, not "still waiting".
        return { verdict: verdict(r.state === 'complete'), evidence: [`${r.text} (${r.state})`] };
      }),
    );
  if ('ruleCleared' in c)
    return allOf(
      serviceNames(facts, c.ruleCleared.service).map((name) => ruleCleared(c.ruleCleared.id, name, facts)),
    );
  if ('saturation' in c)
    return anyOf(
      serviceNames(facts, c.saturation.service).map((name) => {
        const cpu = facts.services[name]?.cpuPercent;
        if (cpu === undefined) return { verdict: 'unknown', evidence: [`${name} CPU unknown`] };
        return {
          verdict: verdict(cpu > c.saturation.cpuAbove),
          evidence: [`${name} CPU ${Math.round(cpu)}% of a core`],
        };
      }),
    );
  if ('trafficGrowth' in c)
    return anyOf(
      serviceNames(facts, c.trafficGrowth.service).map((name) => {
        const g = facts.services[name]?.trafficGrowth;
        if (g === undefined)
          return { verdict: 'unknown', evidence: [`${name} traffic half an hour ago unknown`] };
        return {
          verdict: verdict(g > c.trafficGrowth.factorAbove),
          evidence: [`${name} traffic ${g.toFixed(1)}x half an hour ago`],
        };
      }),
    );
  if ('incidentDeclared' in c)
    return facts.incident
      ? { verdict: 'yes', evidence: [`${facts.incident.id} declared, ${facts.incident.severity}`] }
      : { verdict: 'no', evidence: ['no incident is open'] };
  if ('previousReleaseKnown' in c) {
    const names = serviceNames(facts, c.previousReleaseKnown.service);
    const known = names.filter((n) => facts.services[n]?.previousVersion);
    return known.length > 0
      ? {
          verdict: 'yes',
          evidence: known.map((n) => `${n} ran ${facts.services[n]?.previousVersion} before`),
        }
      : { verdict: 'unknown', evidence: ['no earlier release seen'] };
  }
  if ('dependencyFailing' in c) {
    const { service } = c.dependencyFailing;
    if (!facts.dependencyErrors) return { verdict: 'unknown', evidence: ['no log lines read'] };
    const hits = facts.dependencyErrors.filter((d) => service === undefined || d.service === service);
    return hits.length > 0
      ? { verdict: 'yes', evidence: hits.slice(0, 3).map((d) => `${d.service}: "${d.template}" ×${d.count}`) }
      : { verdict: 'no', evidence: ['no connection refusals or timeouts in the recent logs'] };
  }
  // deployedWithin
  const { minutes, service } = c.deployedWithin;
  const horizon = facts.now - minutes * 60_000;
  return anyOf(
    serviceNames(facts, service).map((name): Evaluation => {
      const s = facts.services[name];
      if (s?.lastReleaseAt !== undefined && s.lastReleaseAt >= horizon)
        return {
          verdict: 'yes',
          evidence: [`${name} released ${Math.round((facts.now - s.lastReleaseAt) / 60_000)}m ago`],
        };
      if (s?.releasesWatchedSince !== undefined && s.releasesWatchedSince <= horizon)
        return { verdict: 'no', evidence: [`${name}: no release in the last ${minutes}m`] };
      return {
        verdict: 'unknown',
        evidence: [
          `${name}: not watched for releases for the last ${minutes}m, so a deploy could have been missed`,
        ],
      };
    }),
  );
}
