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
 * full speed up to the moment the real responders first answered the playbook, then the playbook
 * walked there with the data's answers (the responders' own where the data has none). It passes
 * when the walk reaches the outcome they reached.
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
  const at = eventTime(first);
  const { store } = playThrough(rec, thresholds, at);
  const rules = rulesFromThresholds(thresholds);
  const run = new PlaybookRun(playbook, {
    facts: () => ({
      ...liveFactsFrom(store.getState()),
      now: at,
      ruleLines: Object.fromEntries(
        rules.map((r) => [r.id, { above: r.above, forMs: r.forMs, signal: r.signal }]),
      ),
    }),
    record: () => {},
    targetFor: () => {
      throw new Error('scenarios walk decisions; they run no step');
    },
    values: {},
    onChange: () => {},
    now: () => at,
  });
  const given = Object.fromEntries(
    answered
      .filter((r) => (r.payload.playbook ?? TRIAGE_PLAYBOOK) === playbookId && r.payload.node)
      .flatMap((r) => {
        const a = r.payload.answer.toLowerCase();
        return a === 'yes' || a === 'no' ? [[r.payload.node as string, a as 'yes' | 'no']] : [];
      }),
  );
  const walk = walkDecisions(run, given, 'data');
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
