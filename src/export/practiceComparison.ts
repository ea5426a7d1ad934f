import type { IncidentState } from '../incident/incidentState';
import { eventTime, type JournalRecord, recordsOf } from '../model/journalRecord';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { keyTimes } from './keyTimes';

/** The moments a practice run is measured by, each from when the trouble started. */
export interface PathTimes {
  declared?: number;
  /** The triage's first outcome: the answer that ended its first run. */
  decided?: number;
  /** Its outcome, in the playbook's words. */
  decision?: string;
  /** The first step of a playbook run (a practice one is shown, not run): the mitigation begun. */
  mitigated?: number;
}

/** The yes/no answers of an incident's triage, in order: its decision path. */
export function decisionPath(
  records: readonly JournalRecord[],
): { node: string; answer: string; at: number }[] {
  return recordsOf([...records], 'decision.answered').map((r) => ({
    node: sanitize(r.payload.node ?? r.payload.question),
    answer: sanitize(r.payload.answer),
    at: eventTime(r),
  }));
}

export function pathTimes(s: IncidentState | undefined, origin: number): PathTimes {
  if (!s) return {};
  const first = recordsOf(s.records, 'decision.answered').find((r) => r.payload.outcome);
  const step = recordsOf(s.records, 'step.result').find(
    (r) => r.payload.playbook !== undefined && !r.payload.dryRun,
  );
  return {
    declared: s.declaredAt - origin,
    ...(first && { decided: eventTime(first) - origin, decision: sanitize(first.payload.outcome ?? '') }),
    ...(step && { mitigated: eventTime(step) - origin }),
  };
}

/** Where two decision paths part: the first node answered differently, or where one stops. */
export function whereParted(
  real: { node: string; answer: string }[],
  practice: { node: string; answer: string }[],
): string {
  for (let i = 0; i < Math.max(real.length, practice.length); i++) {
    const r = real[i];
    const p = practice[i];
    if (!r) return `you went on past the real path at ${p?.node} (answered ${p?.answer})`;
    if (!p) return `you stopped before ${r.node}, which the real responders answered ${r.answer}`;
    if (r.node !== p.node)
      return `after ${i} shared answers you were asked ${p.node}, the real responders ${r.node}`;
    if (r.answer !== p.answer)
      return `at ${r.node}: you answered ${p.answer}, the real responders ${r.answer}`;
  }
  return real.length === 0 ? 'neither path answered a question' : 'the same decision path';
}

const rel = (ms: number | undefined) =>
  ms === undefined ? 'never' : ms < 0 ? `-${formatDuration(-ms)}` : `+${formatDuration(ms)}`;

/**
 * The comparison printed when a practice run ends: the real incident's path beside the trainee's,
 * each time from when the trouble started (the real incident's start: its first breach or alert).
 */
export function practiceComparison(
  real: IncidentState | undefined,
  practice: IncidentState | undefined,
  recordingStart: number,
): string {
  const origin = (real && keyTimes(real).at.started) ?? recordingStart;
  const r = pathTimes(real, origin);
  const p = pathTimes(practice, origin);
  const row = (what: string, a: string, b: string) => `  ${what.padEnd(16)} ${a.padEnd(12)} ${b}`;
  return [
    `Practice compared with the real incident (from when the trouble started, ${new Date(origin).toISOString().slice(11, 19)}Z):`,
    row('', 'real', 'yours'),
    row('declared', rel(r.declared), rel(p.declared)),
    row('decision', rel(r.decided), rel(p.decided)),
    row('mitigation step', rel(r.mitigated), rel(p.mitigated)),
    `  decision, real:  ${r.decision ?? 'none'}`,
    `  decision, yours: ${p.decision ?? 'none'}`,
    `  paths: ${whereParted(decisionPath(real?.records ?? []), decisionPath(practice?.records ?? []))}`,
    practice ? `  your practice incident: ${practice.id}` : '  you declared no incident',
    '',
  ].join('\n');
}
