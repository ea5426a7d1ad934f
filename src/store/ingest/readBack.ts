import type { RuleTransition } from '../../metrics/thresholdRule';
import type { IngestContext, IngestDraft } from './draft';
import { READ_BACK_SLICE_MS } from './readBackCounts';
import { transitionEvent } from './signals';

/**
 * Folds what a flush read back into the services' windows, then judges their rules again from the
 * oldest reading, so a condition that held before the console opened counts from when it began. A
 * rule found firing is a notable event at the time it fired, marked as read back.
 */
export function applyReadBack(draft: IngestDraft, ctx: IngestContext): void {
  for (const [service, slices] of ctx.readBack.take()) {
    ctx.signalsFor(service).addLogHistory(slices, READ_BACK_SLICE_MS);
    ctx.replay.add(service);
  }
  if (ctx.backlog) return;
  for (const service of ctx.replay) {
    const changed: RuleTransition[] = ctx.signalsFor(service).replayRules(ctx.now);
    for (const t of changed) draft.notable.push(transitionEvent(service, t, t.at < ctx.openedAt));
    draft.signalsChanged = true;
  }
  ctx.replay.clear();
}
