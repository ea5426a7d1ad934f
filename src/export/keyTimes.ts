import type { IncidentState } from '../incident/incidentState';
import { eventTime, type JournalRecord, recordsOf } from '../model/journalRecord';
import { sanitize } from '../text/sanitize';
import { verifiedMitigation } from './mitigations';

export type KeyTimeName = 'started' | 'detected' | 'acknowledged' | 'mitigated' | 'resolved';

export const KEY_TIME_ORDER: KeyTimeName[] = ['started', 'detected', 'acknowledged', 'mitigated', 'resolved'];

export interface KeyTimes {
  at: Record<KeyTimeName, number | undefined>;
  /** What each time was taken from, when that is not obvious (mitigated has several sources). */
  basis: Partial<Record<KeyTimeName, string>>;
}

/** When every rule that fired had cleared again, after the first one fired. */
function rulesAllCleared(records: readonly JournalRecord[]): number | undefined {
  const open = new Set<string>();
  let fired = false;
  for (const r of [...records].sort((a, b) => eventTime(a) - eventTime(b))) {
    if (r.kind !== 'rule.fired' && r.kind !== 'rule.cleared') continue;
    const key = `${r.payload.service}/${r.payload.rule}`;
    if (r.kind === 'rule.fired') {
      open.add(key);
      fired = true;
    } else if (open.delete(key) && open.size === 0 && fired) return eventTime(r);
  }
  return undefined;
}

/**
 * When it was mitigated: the end of the verified mitigation (a verification that passed after a step
 * that changed something); else, saying so, the rules clearing, every linked alert resolving, or the
 * status set to monitoring.
 */
function mitigation(s: IncidentState): { at?: number; basis?: string } {
  const verified = verifiedMitigation(s.records);
  if (verified)
    return {
      at: verified.at,
      basis: `verified: "${sanitize(verified.verify)}" passed after "${sanitize(verified.step.step)}"`,
    };
  const none = 'no verified mitigation was recorded';
  const cleared = rulesAllCleared(s.records);
  if (cleared !== undefined) return { at: cleared, basis: `the rules cleared (${none})` };
  const linked = Object.values(s.linkedAlerts);
  if (linked.length > 0 && linked.every((a) => a.resolvedAt !== undefined))
    return {
      at: Math.max(...linked.map((a) => a.resolvedAt as number)),
      basis: `every linked alert resolved (${none})`,
    };
  const monitoring = recordsOf(s.records, 'incident.status').find((r) => r.payload.status === 'monitoring');
  if (monitoring) return { at: eventTime(monitoring), basis: `the status was set to monitoring (${none})` };
  return {};
}

export function keyTimes(s: IncidentState): KeyTimes {
  const fired = recordsOf(s.records, 'rule.fired');
  // An alert's startsAt is when it fired: the team's own rule detected the problem then.
  const alertStarts = Object.values(s.linkedAlerts).map((a) => a.startsAt);
  // A rule fires after holding above its line for `forMs`: the breach began that long before.
  const breachStarts = fired.map((r) => eventTime(r) - (r.payload.forMs ?? 0));
  const started = s.startedAt ?? Math.min(s.declaredAt, ...breachStarts, ...alertStarts);
  const detections = [...fired.map(eventTime), ...alertStarts];
  const detected = detections.length > 0 ? Math.min(...detections) : s.declaredAt;
  const mitigated = mitigation(s);
  return {
    at: { started, detected, acknowledged: s.declaredAt, mitigated: mitigated.at, resolved: s.resolvedAt },
    basis: mitigated.basis ? { mitigated: mitigated.basis } : {},
  };
}
