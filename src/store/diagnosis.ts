import { type OriginCount, originService, originShare } from '../logs/requestOrigins';
import type { Diagnosis } from '../model/diagnosis';
import { diagnosisLine } from '../text/diagnosisLine';
import type { ConsoleState } from './consoleStore';
import type { PatternRow } from './patternRows';
import { releaseEvents } from './selectors';

/** A template counts as failing when most of its lines are errors. */
const FAILING_SHARE = 0.5;
const SHOWN_PATTERNS = 3;
const HEADER_TEMPLATE_CHARS = 48;
/** How much later than its first lines a release may be seen. */
const RELEASE_SKEW_MS = 30_000;
/** A template with fewer lines is a stray, not what the incident is about. */
const MIN_LINES = 3;

/**
 * The release that came before the errors: the latest one at or before they began; else, since a
 * release is dated when it was seen (a little after its first lines), the first one just after.
 * A rollback is a mitigation, never the change: once the early errors have left the window it would
 * otherwise be the latest release.
 */
function releaseBefore(state: ConsoleState, began: number | undefined) {
  const all = releaseEvents(state).sort((a, b) => a.at - b.at);
  // Errors that began after a rollback are not the rolled-back release's: it no longer runs.
  const rollback = all.findLast((r) => r.data.rollback === true);
  if (rollback && began !== undefined && began >= rollback.at) return undefined;
  const releases = all.filter((r) => r.data.rollback !== true);
  if (began === undefined) return releases.at(-1);
  return (
    releases.filter((r) => r.at <= began).at(-1) ?? releases.find((r) => r.at <= began + RELEASE_SKEW_MS)
  );
}

/** When the service's errors began: its first failing template, else its rule's breach. */
function errorsBegan(
  state: ConsoleState,
  service: string | undefined,
  failing: PatternRow[],
): number | undefined {
  const own = failing.filter((p) => p.source === service);
  if (own.length > 0) return Math.min(...own.map((p) => p.firstSeen));
  const rule = state.signals[service ?? '']?.rules.find((r) => r.state !== 'ok' && r.since !== undefined);
  return rule?.since;
}

/** Words of a dependency failing: refused or reset connections, timeouts, exhausted pools. */
const DEPENDENCY_FAILURE =
  /connection refused|econnrefused|connection reset|econnreset|timed? ?out|etimedout|too many connections|connection pool|could not connect|no route to host|name resolution|dns/i;
const RECENT_MINUTES = 5;
/**
 * Below this share of the fleet's recent error lines a dependency template is background noise:
 * every healthy fleet resets a connection now and then, and two stray timeouts beside a release's
 * hundreds of exceptions do not put the cause in the infrastructure.
 */
const DEPENDENCY_SHARE = 0.2;

/** A template's error lines over the last five minutes (its per-minute counts are oldest first). */
const recentErrors = (r: PatternRow) =>
  r.errorShare < FAILING_SHARE
    ? 0
    : r.perMinute.slice(-RECENT_MINUTES).reduce((n, c) => n + c, 0) * r.errorShare;

/**
 * Templates of failing lines from the last 5 minutes that say a dependency is failing, each with at
 * least a few lines and a fifth of the fleet's recent error lines.
 */
export function dependencyErrors(rows: readonly PatternRow[]) {
  const total = rows.reduce((n, r) => n + recentErrors(r), 0);
  return rows
    .filter((r) => {
      const recent = recentErrors(r);
      return recent >= MIN_LINES && recent >= total * DEPENDENCY_SHARE && DEPENDENCY_FAILURE.test(r.template);
    })
    .slice(0, 5)
    .map((r) => ({ service: r.source, template: r.template, count: r.count }));
}

/**
 * The data's account of the incident, each part with its evidence: the release before the errors
 * began (and the delay), the failing templates new since a release or spiking, and the origin.
 * Undefined while nothing fails.
 */
export function diagnose(
  state: ConsoleState,
  rows: readonly PatternRow[],
  origins: readonly OriginCount[],
): Diagnosis | undefined {
  const failing = rows.filter(
    (r) => (r.isNew || r.spiking) && r.errorShare >= FAILING_SHARE && r.count >= MIN_LINES,
  );
  const originName = originService(origins);
  const firing = Object.values(state.signals).filter((s) => s.rules.some((r) => r.state !== 'ok'));
  const focus = originName ?? failing[0]?.source ?? firing[0]?.service;
  if (!focus) return undefined;
  const began = errorsBegan(state, focus, failing);
  const release = releaseBefore(state, began);
  const diagnosis: Diagnosis = { summary: '', patterns: [] };
  if (began !== undefined) diagnosis.errorsBeganAt = began;
  if (release) {
    const delayMs = began !== undefined ? Math.max(0, began - release.at) : undefined;
    // A later release of the service (a rollback, or the fix) means this one no longer runs.
    const replacedBy = releaseEvents(state)
      .filter(
        (r) => r.data.service === release.data.service && r.at > release.at && r.data.to !== release.data.to,
      )
      .sort((a, b) => b.at - a.at)[0];
    diagnosis.change = {
      service: release.data.service,
      ...(release.data.from && { from: release.data.from }),
      to: release.data.to,
      at: release.at,
      ...(delayMs !== undefined && { delayMs }),
      ...(replacedBy && { replaced: { to: replacedBy.data.to, at: replacedBy.at } }),
    };
  }
  diagnosis.patterns = failing.slice(0, SHOWN_PATTERNS).map((p) => ({
    service: p.source,
    template: p.template,
    count: p.count,
    firstSeen: p.firstSeen,
    kind: p.isNew ? 'new' : 'spiking',
  }));
  if (originName) {
    const share = originShare(origins);
    const requests = origins.reduce((n, c) => n + c.origin, 0);
    diagnosis.origin = { service: originName, share, requests };
  }
  // The header's line: the template cut so the change and the origin still fit beside it.
  diagnosis.summary = diagnosisLine(diagnosis, HEADER_TEMPLATE_CHARS);
  if (diagnosis.summary === '') return undefined;
  return diagnosis;
}
