import type { Evaluation } from '../model/playbookView';
import type { PlaybookNode } from './schema';

/** The words of an answer: "yes", "no", or the label of the choice picked by its index. */
export function answerLabel(node: PlaybookNode, answer: string): string {
  if (node.kind === 'question' && node.choices) return node.choices[Number(answer)]?.label ?? answer;
  return answer;
}

/** How an answer was reached, for the record: confirmed, asked, or against what the data said. */
export function howAnswered(proposal: Evaluation | undefined, answer: string): string {
  if (!proposal) return 'asked';
  if (proposal.verdict === 'unknown') return 'asked: the data could not tell';
  return proposal.verdict === answer
    ? 'proposed from live data, confirmed'
    : `overrode the data, which said ${proposal.verdict}`;
}

/** Fills templates in a serialized condition; an unknown name stays as written (and matches nothing). */
export function renderTemplatesLoosely(json: string, values: Record<string, string>): string {
  return json.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (all, name: string) =>
    values[name] === undefined ? all : JSON.stringify(values[name]).slice(1, -1),
  );
}
