import type { Thresholds } from '../../config/schema';
import { foldIncident } from '../../incident/incidentState';
import { rulesFromThresholds } from '../../metrics/thresholdRule';
import { eventTime, recordsOf } from '../../model/journalRecord';
import type { Recording } from '../../model/recording';
import { PlaybookRun } from '../../playbooks/playbookRun';
import { type CaseResult, walkDecisions } from '../../playbooks/scenarios';
import type { Playbook } from '../../playbooks/schema';
import { liveFactsFrom } from '../liveFacts';
import { TRIAGE_PLAYBOOK } from '../triageSession';
import { playThrough } from './playThrough';

/** A recording as a scenario case: what it checks, for the listing. */
export interface RecordedCase extends CaseResult {
  playbook: string;
  /** The outcome the real responders reached (the case's expectation). */
  expected?: string;
  /** When the walk was judged: the real triage's first answer. */
  at?: number;
}

/**
 * A recording as a test of a playbook: its signals replayed through the real ingest and rules at
 * full speed, and the playbook walked along it, each question at the moment the responders
 * answered it: the data answers what it answered live, the responders' own calls stand where
 * there was no data or they overrode it. It passes when the walk reaches the outcome they reached.
 */
export function walkRecording(
  rec: Recording,
  playbooks: Map<string, Playbook>,
  thresholds: Thresholds,
): RecordedCase {
  const name = `${rec.header.incident} (recording)`;
  const records = [...rec.journal].sort((a, b) => a.seq - b.seq);
  const answered = recordsOf(records, 'decision.answered');
  const first = answered[0];
  const playbookId = first?.payload.playbook ?? TRIAGE_PLAYBOOK;
  const fail = (problem: string): RecordedCase => ({
    name,
    playbook: playbookId,
    passed: false,
    path: [],
    problem,
  });
  if (!foldIncident(rec.header.incident, records)) return fail('the recording has no declaration record');
  if (!first)
    return fail('the recorded incident answered no playbook question, so there is no outcome to compare');
  const expected = answered.find(
    (r) => (r.payload.playbook ?? TRIAGE_PLAYBOOK) === playbookId && r.payload.outcome,
  )?.payload.outcome;
  if (!expected) return fail(`the recorded incident reached no outcome of ${playbookId}`);
  const playbook = playbooks.get(playbookId);
  if (!playbook) return fail(`no playbook "${playbookId}" is loaded`);
  // Each question is judged on the data as it stood when the responders answered it (one they never
  // reached, when they answered the last): the replay plays on as the walk goes.
  const answeredAt = new Map<string, number>();
  for (const r of answered)
    if (r.payload.node && !answeredAt.has(r.payload.node)) answeredAt.set(r.payload.node, eventTime(r));
  const at = eventTime(first);
  const last = eventTime(answered.at(-1) ?? first);
  const { store, driver } = playThrough(rec, thresholds, at);
  const rules = rulesFromThresholds(thresholds);
  // (The run reads its facts as it is made: its node is the playbook's start until then.)
  let node = playbook.start;
  const run = new PlaybookRun(playbook, {
    facts: () => {
      driver.advanceTo(Math.max(driver.at, answeredAt.get(node) ?? last));
      return {
        ...liveFactsFrom(store.getState()),
        now: driver.at,
        ruleLines: Object.fromEntries(
          rules.map((r) => [r.id, { above: r.above, forMs: r.forMs, signal: r.signal }]),
        ),
      };
    },
    record: () => {},
    targetFor: () => {
      throw new Error('scenarios walk decisions; they run no step');
    },
    values: {},
    onChange: (view) => {
      node = view.nodeId;
    },
    now: () => driver.at,
  });
  // The responders' own calls (no data proposed, or they answered against it) stand as given; every
  // other question is answered by the data as replayed, so a changed condition changes the walk.
  const given = Object.fromEntries(
    answered
      .filter((r) => (r.payload.playbook ?? TRIAGE_PLAYBOOK) === playbookId && r.payload.node)
      .flatMap((r) => {
        const a = r.payload.answer.toLowerCase();
        const own = r.payload.proposed == null || r.payload.proposed !== a;
        return own && (a === 'yes' || a === 'no') ? [[r.payload.node as string, a as 'yes' | 'no']] : [];
      }),
  );
  const walk = walkDecisions(run, given);
  const reachedOutcome = walk.reached ? playbook.nodes[walk.reached] : undefined;
  const outcome = reachedOutcome?.kind === 'outcome' ? reachedOutcome.outcome : undefined;
  return {
    name,
    playbook: playbookId,
    expected,
    at,
    path: walk.path,
    ...(walk.reached && { reached: walk.reached }),
    passed: outcome === expected && walk.stop !== 'unanswered',
    ...(walk.problem
      ? { problem: walk.problem }
      : outcome !== expected && {
          problem: `reached "${outcome ?? walk.reached}", the responders reached "${expected}"`,
        }),
  };
}
