import type { Evaluation, PlaybookNodeView, StepResult } from '../model/playbookView';
import type { Playbook, PlaybookNode } from './schema';

/** Everything a run knows about its current node that the view shows. */
export interface NodeViewInput {
  playbook: Playbook;
  nodeId: string;
  node: PlaybookNode;
  ticked: ReadonlySet<number>;
  trail: readonly string[];
  running: boolean;
  dryRun: boolean;
  lastResult?: StepResult;
  proposal?: Evaluation;
  plan?: { argv: string[]; host: string; missing: string[] };
  verify?: { evaluation: Evaluation; deadline: number; since: number; failed: boolean };
  watch?: { evaluation: Evaluation; proposed: boolean };
}

/** What the triage view draws for the current node: a pure function of the run's state. */
export function nodeView(input: NodeViewInput): PlaybookNodeView {
  const { playbook, nodeId, node } = input;
  const base = {
    playbookId: playbook.id,
    playbookTitle: playbook.title,
    nodeId,
    kind: node.kind,
    choices: [] as { key: string; label: string }[],
    checklist: [] as { item: string; ticked: boolean }[],
    running: input.running,
    trail: [...input.trail],
    ...(input.lastResult && { lastResult: input.lastResult }),
  };
  switch (node.kind) {
    case 'question':
      return {
        ...base,
        text: node.question,
        ...(node.help && { help: node.help }),
        ...(input.proposal && { proposal: input.proposal }),
        choices: node.choices
          ? node.choices.map((c, i) => ({ key: String(i + 1), label: c.label }))
          : [
              { key: 'y', label: 'yes' },
              { key: 'n', label: 'no' },
            ],
      };
    case 'checklist':
      return {
        ...base,
        text: node.title,
        checklist: node.checklist.map((item, i) => ({ item, ticked: input.ticked.has(i) })),
      };
    case 'outcome':
      return {
        ...base,
        text: node.outcome,
        outcome: {
          ...(node.summary && { summary: node.summary }),
          ...(node.playbook && { next: node.playbook }),
          ...(input.watch && { watch: input.watch }),
        },
      };
    case 'verify':
      return { ...base, text: node.title, ...(input.verify && { verify: input.verify }) };
    case 'command':
    case 'shell':
      return {
        ...base,
        text: node.title,
        command: {
          argv: input.plan?.argv ?? [],
          host: input.plan?.host ?? 'local',
          destructive: node.kind === 'command' ? node.run.destructive : node.destructive,
          dryRun: input.dryRun,
          reviewed: node.reviewed,
          missing: input.plan?.missing ?? [],
        },
      };
  }
}
