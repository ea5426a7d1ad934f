import type { TimelineEntry } from '../model/incident';
import type { ConsoleState } from '../store/consoleStore';
import { diagnosisLine } from '../text/diagnosisLine';
import { formatPercent } from '../text/duration';

/** How often stakeholders hear from the incident, by severity (the seeds' "every 15 minutes for critical, 30 for high"); P3 at status changes. */
export const UPDATE_EVERY_MS: Record<string, number | undefined> = {
  P0: 15 * 60_000,
  P1: 15 * 60_000,
  P2: 30 * 60_000,
  P3: undefined,
};

/** When the next update is due: the interval after the last update sent (or the declaration); none for P3. */
export function nextUpdateDue(
  timeline: readonly TimelineEntry[],
  severity: string,
  every: Record<string, number | undefined> = UPDATE_EVERY_MS,
): number | undefined {
  const interval = every[severity];
  if (interval === undefined) return undefined;
  const last = timeline.findLast((e) => e.kind === 'incident.update' || e.kind === 'incident.declared');
  return last ? last.at + interval : undefined;
}

/** What the operator did that stakeholders hear of: steps run, status and severity changes. */
const DONE_KINDS: readonly string[] = [
  'step.result',
  'incident.status',
  'incident.severity',
  'incident.role',
];

const clock = (t: number) => `${new Date(t).toISOString().slice(11, 16)}Z`;

/**
 * An update prefilled from the incident as it stands, on one line the operator edits: impact now
 * (services whose rule fires, with their ratios), what is known (the diagnosis), what was done since
 * the last update (steps, status changes), and when the next one comes.
 */
export function draftUpdate(s: ConsoleState, now: number): string {
  const timeline = s.incident.timeline;
  // Impact as the rates pane shows it: a rule firing, or over its line and on its way to firing.
  const over = Object.values(s.signals).flatMap((v) => {
    const rule = v.rules.find((r) => r.state === 'firing') ?? v.rules.find((r) => r.state === 'pending');
    if (!rule) return [];
    return rule.id.startsWith('error-ratio')
      ? [`${v.service} ${formatPercent(v.ratio1m ?? v.ratio5m ?? 0)} 5xx`]
      : [`${v.service}: ${rule.description}`];
  });
  const since = timeline.findLast((e) => e.kind === 'incident.update' || e.kind === 'incident.declared');
  const done = timeline
    .filter((e) => e.seq > (since?.seq ?? 0) && DONE_KINDS.includes(e.kind))
    .map((e) => e.text);
  const severity = s.incident.active?.severity ?? 'P3';
  const interval = (s.updateEvery ?? UPDATE_EVERY_MS)[severity];
  const status = s.incident.active?.status;
  const known = s.diagnosis
    ? diagnosisLine(s.diagnosis, 60)
    : status === 'identified' || status === 'monitoring'
      ? `cause identified (status ${status})`
      : 'cause not yet identified';
  const first = since?.kind !== 'incident.update';
  return [
    `Impact: ${over.length > 0 ? over.join(', ') : 'no service is over its error line now'}.`,
    `Known: ${known}.`,
    `Done ${first ? 'since the declaration' : 'since the last update'}: ${done.length > 0 ? done.join('; ') : 'nothing yet'}.`,
    `Next update by ${interval === undefined ? 'the next status change' : clock(now + interval)}.`,
  ].join(' ');
}
