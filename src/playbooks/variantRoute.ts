import type { Playbook, PlaybookNode } from './schema';

/** A deploy-kind question passed on the way, because the kind was known. */
export interface KindAnswered {
  nodeId: string;
  question: string;
  label: string;
}

/**
 * Where a run lands when it moves to `id`: past steps of other deploy variants, and past a question
 * whose choices are deploy kinds when the kind is known (those answers are returned, for the record).
 */
export function variantRoute(
  playbook: Playbook,
  id: string | undefined,
  kind: string | undefined,
): { next: string | undefined; answered: KindAnswered[] } {
  const answered: KindAnswered[] = [];
  let next = id;
  while (next) {
    const node = playbook.nodes[next] as PlaybookNode;
    const otherVariant =
      (node.kind === 'command' || node.kind === 'shell' || node.kind === 'verify') &&
      node.variant &&
      kind &&
      node.variant !== kind;
    if (otherVariant) {
      next = node.next;
      continue;
    }
    const known =
      node.kind === 'question' ? node.choices?.find((c) => c.variant && c.variant === kind) : undefined;
    if (node.kind !== 'question' || !known) break;
    answered.push({ nodeId: next, question: node.question, label: known.label });
    next = known.next;
  }
  return { next, answered };
}
