import type { RecordKind } from '../../src/model/journalRecord';
import type { LiveFacts } from '../../src/playbooks/evaluateCondition';
import { loadPlaybookFile } from '../../src/playbooks/loadPlaybook';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
import { walkDecisions } from '../../src/playbooks/scenarios';
import type { Playbook } from '../../src/playbooks/schema';
import { localTarget } from '../../src/transport/localCommand';

export function shipped(id: string): Playbook {
  return loadPlaybookFile(`playbooks/${id}.yaml`);
}

export function recordingRun(
  playbook: Playbook,
  facts: LiveFacts,
  options: { variant?: string; variantEvidence?: string; values?: Record<string, string> } = {},
) {
  const records: { kind: RecordKind; payload: Record<string, unknown> }[] = [];
  const run = new PlaybookRun(playbook, {
    facts: () => facts,
    record: (kind, payload) => records.push({ kind, payload }),
    targetFor: () => localTarget,
    values: options.values ?? {},
    ...(options.variant && { variant: options.variant }),
    ...(options.variantEvidence && { variantEvidence: options.variantEvidence }),
    onChange: () => {},
    now: () => facts.now,
  });
  return { run, records };
}

/**
 * Walks a decision tree the way an operator who trusts the data would: the scripted answer for a
 * node if there is one (an override where the data proposes otherwise), else the data's proposal
 * (the walk `check --scenarios` does). Returns the outcome node's id and what was recorded.
 */
export function walkTree(playbook: Playbook, facts: LiveFacts, scripted: Record<string, 'yes' | 'no'> = {}) {
  const { run, records } = recordingRun(playbook, facts);
  const walk = walkDecisions(run, scripted);
  if (walk.problem) throw new Error(walk.problem);
  return { outcome: walk.reached as string, records };
}
