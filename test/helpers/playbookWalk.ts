import type { RecordKind } from '../../src/model/journalRecord';
import type { LiveFacts } from '../../src/playbooks/evaluateCondition';
import { loadPlaybookFile } from '../../src/playbooks/loadPlaybook';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
import type { Playbook } from '../../src/playbooks/schema';
import { localTarget } from '../../src/transport/localCommand';

export function shipped(id: string): Playbook {
  return loadPlaybookFile(`playbooks/${id}.yaml`);
}

export function recordingRun(
  playbook: Playbook,
  facts: LiveFacts,
  options: { variant?: string; values?: Record<string, string> } = {},
) {
  const records: { kind: RecordKind; payload: Record<string, unknown> }[] = [];
  const run = new PlaybookRun(playbook, {
    facts: () => facts,
    record: (kind, payload) => records.push({ kind, payload }),
    targetFor: () => localTarget,
    values: options.values ?? {},
    ...(options.variant && { variant: options.variant }),
    onChange: () => {},
    now: () => facts.now,
  });
  return { run, records };
}

/**
 * Walks a decision tree the way an operator who trusts the data would: the scripted answer for a
 * node if there is one (an override where the data proposes otherwise), else the data's proposal.
 * Returns the outcome node's id.
 */
export function walkTree(playbook: Playbook, facts: LiveFacts, scripted: Record<string, 'yes' | 'no'> = {}) {
  const { run, records } = recordingRun(playbook, facts);
  for (let guard = 0; guard < 50; guard++) {
    const view = run.view();
    if (view.kind === 'outcome') return { outcome: view.nodeId, records };
    const proposal = view.proposal?.verdict;
    // A scripted answer is the operator's: it wins over the data's proposal, as an override would.
    const answer = scripted[view.nodeId] ?? (proposal === 'yes' || proposal === 'no' ? proposal : undefined);
    if (!answer) throw new Error(`no answer for ${view.nodeId}: data says ${proposal ?? 'nothing'}`);
    run.answer(answer);
  }
  throw new Error('the walk did not end');
}
