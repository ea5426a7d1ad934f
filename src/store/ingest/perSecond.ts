import type { ConsoleState } from '../consoleStore';
import { dependencyErrors, diagnose } from '../diagnosis';
import { currentPatternRows } from '../patternRows';
import type { IngestContext, IngestDraft, PerSecond } from './draft';

/** Which service fails first is judged over the requests of the last 15 minutes. */
const ORIGIN_WINDOW_MS = 15 * 60_000;

/** What the store holds between seconds. */
export function perSecondOf(state: ConsoleState): PerSecond {
  return { origins: state.origins, diagnosis: state.diagnosis, dependencyErrors: state.dependencyErrors };
}

/**
 * Once a second rather than per flush, because rules advance on the clock as well as on data
 * ("pending 1m12s" must count down with no new reading), and because container changes and link
 * flaps held back during a burst are summarised once the burst has gone quiet, with no event to
 * trigger it. A result equal to the last keeps the last object, so the panes do not redraw for it.
 */
export function deriveEachSecond(state: ConsoleState, draft: IngestDraft, ctx: IngestContext): PerSecond {
  const { logs, now } = ctx;
  let { origins, diagnosis, dependencyErrors: dependencies } = perSecondOf(state);
  const counted = logs.origins.counts(now - ORIGIN_WINDOW_MS);
  if (JSON.stringify(counted) !== JSON.stringify(origins)) origins = counted;
  const rows = currentPatternRows(logs.patterns, state);
  const deps = dependencyErrors(rows);
  if (JSON.stringify(deps) !== JSON.stringify(dependencies)) dependencies = deps;
  const next = diagnose(state, rows, origins);
  if (next?.summary !== diagnosis?.summary) diagnosis = next;
  draft.signalsChanged = true;
  for (const [service, c] of ctx.logCounts) ctx.signalsFor(service).addLogCounts(now, c.requests, c.errors);
  draft.notable.push(...ctx.containerChanges.flush(now), ...ctx.links.flush(now));
  return { origins, diagnosis, dependencyErrors: dependencies };
}
