import type { IncidentState } from '../incident/incidentState';
import { timelineRows } from '../incident/timeline';
import { describeDamage, eventTime, recordsOf } from '../model/journalRecord';
import { formatDuration, formatPercent } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { commandsRun } from './commandsRun';
import { triageRuns } from './decisionPath';
import { impactOf } from './impact';
import { KEY_TIME_ORDER, type KeyTimeName, keyTimes } from './keyTimes';
import { ratesByMinute, requestTrails } from './logEvidence';
import type { Postmortem } from './postmortemDraft';
import { stakeholderUpdates } from './stakeholderUpdates';
import { suggestionsOf } from './suggestions';

export type { Postmortem } from './postmortemDraft';
export { renderPostmortemMarkdown } from './postmortemMarkdown';

const iso = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();
const clean = (v: unknown) => sanitize(String(v ?? ''));

/** The draft's content, computed from the journal alone. */
export function buildPostmortem(s: IncidentState): Postmortem {
  const times = keyTimes(s);
  const span = (a: KeyTimeName, b: KeyTimeName) => {
    const x = times.at[a];
    const y = times.at[b];
    return x !== undefined && y !== undefined ? y - x : null;
  };
  const impact = impactOf(s);
  const { commands, feedback } = commandsRun(s.records);
  const durationText = (n: number | null) => (n === null ? 'unknown' : formatDuration(n));
  const summary =
    `${s.severity} incident "${clean(s.title)}", ${s.status}. ` +
    (impact.servicesAffected.length > 0 ? `Services affected: ${impact.servicesAffected.join(', ')}. ` : '') +
    (impact.peakErrorRatio !== null ? `Peak 5xx ratio ${formatPercent(impact.peakErrorRatio)}. ` : '') +
    `Detected after ${durationText(span('started', 'detected'))}, resolved after ${durationText(span('started', 'resolved'))}.`;
  return {
    header: {
      id: s.id,
      title: clean(s.title),
      severity: s.severity,
      status: s.status,
      commander: clean(s.commander),
      responders: s.responders.map(clean),
      roles: Object.fromEntries(Object.entries(s.roles).map(([k, v]) => [clean(k), clean(v)])),
      declaredAt: iso(s.declaredAt) as string,
      resolvedAt: iso(s.resolvedAt),
    },
    summary,
    impact,
    keyTimes: KEY_TIME_ORDER.map((name) => ({
      name,
      at: iso(times.at[name]),
      ...(times.basis[name] && { basis: times.basis[name] }),
    })),
    durations: [
      { name: 'time to detect (started → detected)', ms: span('started', 'detected') },
      { name: 'time to acknowledge (detected → acknowledged)', ms: span('detected', 'acknowledged') },
      { name: 'time to mitigate (started → mitigated)', ms: span('started', 'mitigated') },
      { name: 'time to resolve (started → resolved)', ms: span('started', 'resolved') },
    ],
    timeline: timelineRows(s.records).map(({ record, at, text, evidence }) => ({
      at: iso(at) as string,
      kind: record.kind,
      actor: clean(record.actor),
      text,
      evidence,
      starred: s.starred.has(record.seq),
    })),
    decisionPath: triageRuns(s.records),
    commands,
    updates: stakeholderUpdates(s.records),
    evidence: {
      pinnedLines: recordsOf(s.records, 'log.pinned').map((r) => ({
        at: iso(eventTime(r)) as string,
        source: clean(r.payload.source),
        line: clean(r.payload.line),
        context: r.payload.context.map(clean),
      })),
      sparklines: Object.entries(recordsOf(s.records, 'metrics.snapshot').at(-1)?.payload.services ?? {}).map(
        ([service, v]) => ({ service: clean(service), line: clean(v.spark) }),
      ),
      trails: requestTrails(s),
      ratesByMinute: ratesByMinute(
        s,
        Object.values(times.at).filter((t): t is number => t !== undefined),
      ),
    },
    actionItems: s.notes
      .filter((n) => n.actionItem)
      .map((n) => ({ text: clean(n.text), by: clean(n.actor), at: iso(n.at) as string })),
    runbookFeedback: feedback,
    suggested: suggestionsOf(s, times),
    integrity: s.damage ? clean(describeDamage(s.damage)) : null,
    unreadableRecords: s.unreadable.map((u) =>
      clean(`line ${u.line} (record #${u.seq}, ${u.kind}): ${u.reason}`),
    ),
  };
}
