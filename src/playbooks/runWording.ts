import type { Evaluation } from '../model/playbookView';
import { renderKnown } from './parameters';
import type { Condition, PlaybookNode } from './schema';

/** The words of an answer: "yes", "no", or the label of the choice picked by its index. */
export function answerLabel(node: PlaybookNode, answer: string): string {
  if (node.kind === 'question' && node.choices) return node.choices[Number(answer)]?.label ?? answer;
  return answer;
}

/** How an answer was reached, for the record: confirmed, asked, or against what the data said. */
export function howAnswered(proposal: Evaluation | undefined, answer: string, inRow = false): string {
  if (!proposal) return 'asked';
  if (proposal.verdict === 'unknown') return 'asked: the data could not tell';
  if (inRow && proposal.verdict === answer) return 'proposed from live data, accepted in a row';
  return proposal.verdict === answer
    ? 'proposed from live data, confirmed'
    : `overrode the data, which said ${proposal.verdict}`;
}

/** A condition with the run's parameters filled in (`{{service}}`); an unknown name stays as written. */
export function fillCondition(c: Condition, values: Record<string, string>): Condition {
  return JSON.parse(renderKnown(JSON.stringify(c), values, (v) => JSON.stringify(v).slice(1, -1)));
}

/** A step's title with the run's parameters: a rollback says what it goes from and to before it runs. */
export function withTitle(node: PlaybookNode, values: Record<string, string>): PlaybookNode {
  return 'title' in node ? { ...node, title: renderKnown(node.title, values) } : node;
}
