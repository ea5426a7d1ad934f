import type { IncidentState } from '../incident/incidentState';
import { eventTime, type RecordOfKind, recordsOf } from '../model/journalRecord';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import type { KeyTimes } from './keyTimes';
import { mitigationSteps, rollbackJudge, type VersionChange, verifiedMitigation } from './mitigations';

/** What the data suggests for the sections the author writes. */
export interface Suggested {
  trigger: string[];
  rootCause: string[];
  detection: string[];
  resolution: string[];
}

const clean = (v: unknown) => sanitize(String(v ?? ''));
const iso = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();
const versions = (c: { from?: string | null; to: string }) =>
  `${c.from ? `${clean(c.from)} → ` : ''}${clean(c.to)}`;

type Diagnosis = RecordOfKind<'diagnosis'>['payload'];

/**
 * The diagnosis the draft goes by: the last one that names a change that was not a rollback (a later
 * one, once the early errors have left its window, may name the rollback as the latest release),
 * else the last one, its rollback left out.
 */
function triggeringDiagnosis(s: IncidentState, isRollback: (c: VersionChange) => boolean) {
  const all = recordsOf(s.records, 'diagnosis').map((r) => r.payload);
  const named = (d: Diagnosis) =>
    d.change !== undefined && !isRollback({ ...d.change, at: Date.parse(d.change.at) });
  const chosen = all.filter(named).at(-1) ?? all.at(-1);
  if (!chosen?.change || named(chosen)) return chosen;
  const { change: _rollback, ...rest } = chosen;
  return rest as Diagnosis;
}

function triggerLines(s: IncidentState, d: Diagnosis | undefined, isRollback: (c: VersionChange) => boolean) {
  const began = d?.errorsBeganAt ? Date.parse(d.errorsBeganAt) : undefined;
  const c = d?.change;
  if (c) {
    const after =
      c.delayMs === undefined
        ? ''
        : c.delayMs < 1000
          ? `; errors began with its first lines, at ${iso(began)}`
          : `; errors began ${formatDuration(c.delayMs)} later, at ${iso(began)}`;
    return [`${clean(c.service)} ${versions(c)} was released at ${clean(c.at)}${after}.`];
  }
  // No diagnosis named one: the last release recorded before the errors, rollbacks left out.
  const until = began ?? s.declaredAt;
  const release = recordsOf(s.records, 'release')
    .map((r) => ({ ...r.payload, at: eventTime(r) }))
    .filter((r) => r.at <= until && !isRollback(r))
    .sort((a, b) => a.at - b.at)
    .at(-1);
  if (release) return [`${clean(release.service)} ${versions(release)} was released at ${iso(release.at)}.`];
  if (began !== undefined) return [`Errors began at ${iso(began)}; no release was seen before them.`];
  return [];
}

/** What mitigated it: the rollbacks (as mitigations, never triggers) and the verified step. */
function resolutionLines(s: IncidentState, isRollback: (c: VersionChange) => boolean): string[] {
  const out: string[] = [];
  const verified = verifiedMitigation(s.records);
  for (const r of recordsOf(s.records, 'release')) {
    const c = { ...r.payload, at: eventTime(r) };
    if (isRollback(c))
      out.push(
        `${clean(c.service)} was rolled back ${versions(c)} at ${iso(c.at)} — a mitigation, not the trigger.`,
      );
  }
  if (verified)
    out.push(
      `"${clean(verified.step.step)}" (${verified.step.rollback ? 'a rollback' : 'a change'}) ended at ${iso(verified.step.endedAt)}; "${clean(verified.verify)}" verified it at ${iso(verified.at)}${verified.evidence ? `: ${clean(verified.evidence)}` : ''}.`,
    );
  else
    for (const step of mitigationSteps(s.records).filter((x) => x.rollback))
      out.push(`"${clean(step.step)}" ran at ${iso(step.endedAt)}; no verification of it was recorded.`);
  return out;
}

/** The Trigger, Root cause, Detection and Resolution the data suggests, in sentences with times. */
export function suggestionsOf(s: IncidentState, times: KeyTimes): Suggested {
  const isRollback = rollbackJudge(s.records);
  const d = triggeringDiagnosis(s, isRollback);
  const out: Suggested = {
    trigger: triggerLines(s, d, isRollback),
    rootCause: [],
    detection: [],
    resolution: resolutionLines(s, isRollback),
  };
  if (!d) return out;
  for (const p of d.patterns)
    out.rootCause.push(
      `${p.kind === 'new' ? 'New since the release' : 'Spiking'} on ${clean(p.service)}: \`${clean(p.template).replaceAll('`', "'")}\` (${p.count} line${p.count === 1 ? '' : 's'}, first at ${clean(p.firstSeen)}).`,
    );
  if (d.origin)
    out.rootCause.push(
      `${clean(d.origin.service)} was the first to fail ${Math.round(d.origin.share * 100)}% of the ${d.origin.requests} requests that failed on several services; the others failed downstream of it.`,
    );
  const began = d.errorsBeganAt ? Date.parse(d.errorsBeganAt) : undefined;
  const detected = times.at.detected;
  if (began !== undefined && detected !== undefined)
    out.detection.push(
      `Errors began at ${iso(began)} and were detected at ${iso(detected)}, ${formatDuration(Math.max(0, detected - began))} later; declared at ${iso(times.at.acknowledged)}.`,
    );
  return out;
}
