import { z } from 'zod';
import { Duration } from '../config/schema';
import type { Alert } from '../model/alerts';
import type { LiveFacts } from './evaluateCondition';
import { PlaybookRun } from './playbookRun';
import type { Playbook } from './schema';

const RuleState = z.enum(['ok', 'pending', 'firing']);
const Ratio = z.number().min(0).max(1);

/** One service as the console would see it, in the words of a scenario file. */
const ServiceFactsSchema = z.strictObject({
  errorRatio: z
    .strictObject({ '1m': Ratio.optional(), '5m': Ratio.optional(), '10m': Ratio.optional() })
    .optional(),
  rules: z.record(z.string(), RuleState).optional(),
  /** For pending rules: how long until they fire (5m, 90s). */
  rulesLeft: z.record(z.string(), Duration).optional(),
  health: z.strictObject({ up: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
  /** p95 latency in seconds. */
  p95: z.number().min(0).optional(),
  restarts: z.number().int().min(0).optional(),
  /** The busiest container's CPU, percent of a core. */
  cpu: z.number().min(0).optional(),
  /** Requests now over half an hour ago. */
  trafficGrowth: z.number().min(0).optional(),
  releasedMinutesAgo: z.number().min(0).optional(),
  /** How long a source able to see releases has watched the service (unwatched: "no release" is unknown). */
  watchedMinutes: z.number().min(0).optional(),
});

const ScenarioAlertSchema = z.strictObject({
  name: z.string().min(1),
  labels: z.record(z.string(), z.string()).default({}),
  state: z.enum(['firing', 'pending', 'silenced', 'inhibited']).default('firing'),
  severity: z.string().default('none'),
  minutesAgo: z.number().min(0).default(0),
});

const ScenarioCaseSchema = z.strictObject({
  name: z.string().min(1),
  facts: z.strictObject({
    services: z.record(z.string(), ServiceFactsSchema).default({}),
    alerts: z.array(ScenarioAlertSchema).optional(),
    dependencyErrors: z
      .array(z.strictObject({ service: z.string(), template: z.string(), count: z.number().int().min(1) }))
      .default([]),
  }),
  /** Answers to the questions the data cannot answer (or overrides), by node id. */
  answers: z.record(z.string(), z.enum(['yes', 'no'])).default({}),
  /** The outcome node the walk must reach. */
  expect: z.string().min(1),
});

export const ScenarioFileSchema = z.strictObject({
  /** The id of the playbook the cases walk. */
  playbook: z.string().min(1),
  cases: z.array(ScenarioCaseSchema).min(1),
});

export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;
export type ScenarioCase = z.infer<typeof ScenarioCaseSchema>;

/** The live facts a case describes, as the console would hand them to the playbook at `now`. */
export function factsOf(c: ScenarioCase, now: number): LiveFacts {
  const services: LiveFacts['services'] = {};
  for (const [name, s] of Object.entries(c.facts.services)) {
    services[name] = {
      ratio: s.errorRatio ?? {},
      ...(s.rules && { rules: s.rules }),
      ...(s.rulesLeft && { rulesLeftMs: s.rulesLeft }),
      ...(s.health && { health: s.health }),
      ...(s.p95 !== undefined && { p95Seconds: s.p95 }),
      ...(s.restarts !== undefined && { restarts: s.restarts }),
      ...(s.cpu !== undefined && { cpuPercent: s.cpu }),
      ...(s.trafficGrowth !== undefined && { trafficGrowth: s.trafficGrowth }),
      ...(s.releasedMinutesAgo !== undefined && { lastReleaseAt: now - s.releasedMinutesAgo * 60_000 }),
      ...(s.watchedMinutes !== undefined && { releasesWatchedSince: now - s.watchedMinutes * 60_000 }),
    };
  }
  const alerts: Alert[] | undefined = c.facts.alerts?.map((a, i) => ({
    fingerprint: `scenario-${i}`,
    name: a.name,
    state: a.state,
    severity: a.severity,
    labels: { alertname: a.name, ...a.labels },
    annotations: {},
    startsAt: now - a.minutesAgo * 60_000,
    silencedBy: [],
  }));
  return { now, services, ...(alerts && { alerts }), dependencyErrors: c.facts.dependencyErrors };
}

/** One step of a walk: the node, the answer, and whether the data gave it. */
export interface WalkStep {
  node: string;
  answer: 'yes' | 'no';
  from: 'data' | 'given' | 'override';
}

export interface CaseResult {
  name: string;
  passed: boolean;
  path: WalkStep[];
  reached?: string;
  /** Why the walk stopped short, when it did. */
  problem?: string;
}

/**
 * Walks the playbook's decisions as an operator who trusts the data would: a given answer where the
 * case has one (an override where the data says otherwise), else the data's proposal. It stops at an
 * outcome, at a question nobody answers, or at a node that is not a question (a step to run).
 */
export function walkCase(playbook: Playbook, c: ScenarioCase, now = Date.now()): CaseResult {
  const facts = factsOf(c, now);
  const run = new PlaybookRun(playbook, {
    facts: () => facts,
    record: () => {},
    targetFor: () => {
      throw new Error('scenarios walk decisions; they run no step');
    },
    values: {},
    onChange: () => {},
    now: () => now,
  });
  const walk = walkDecisions(run, c.answers);
  // Reaching the expected node passes, even a step the walk cannot go past; an unanswered question does not.
  return { name: c.name, ...walk, passed: walk.reached === c.expect && walk.stop !== 'unanswered' };
}

/**
 * Answers a run's yes/no questions until an outcome: the given answer for a node where there is one,
 * else the data's proposal. Stops, saying why, at a question nobody answers or at a node that is not
 * a yes/no question.
 */
export function walkDecisions(
  run: PlaybookRun,
  answers: Record<string, 'yes' | 'no'>,
): {
  path: WalkStep[];
  reached?: string;
  stop?: 'not-a-question' | 'unanswered' | 'cycle';
  problem?: string;
} {
  const path: WalkStep[] = [];
  for (let guard = 0; guard < 200; guard++) {
    const view = run.view();
    if (view.kind === 'outcome') return { path, reached: view.nodeId };
    if (view.kind !== 'question' || view.choices.some((x) => x.key !== 'y' && x.key !== 'n'))
      return {
        path,
        reached: view.nodeId,
        stop: 'not-a-question',
        problem: `stopped at ${view.nodeId}, which is not a yes/no question`,
      };
    const proposed = view.proposal?.verdict;
    const given = answers[view.nodeId];
    const data = proposed === 'yes' || proposed === 'no' ? proposed : undefined;
    const answer = given ?? data;
    if (!answer)
      return {
        path,
        reached: view.nodeId,
        stop: 'unanswered',
        problem: `the data cannot answer ${view.nodeId} and the case gives no answer`,
      };
    path.push({
      node: view.nodeId,
      answer,
      from: given === undefined ? 'data' : data && data !== given ? 'override' : 'given',
    });
    run.answer(answer);
  }
  return { path, stop: 'cycle', problem: 'the walk did not end (a cycle?)' };
}
