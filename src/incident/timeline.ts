import type { TimelineEntry } from '../model/incident';
import { eventTime } from '../model/journalRecord';
import { describeRecord } from './describeRecord';
import type { IncidentState } from './incidentState';

/** The timeline rows of an incident, in event-time order (metrics snapshots feed the draft, not the view). */
export function timelineOf(state: IncidentState): TimelineEntry[] {
  const actionItems = new Set(state.notes.filter((n) => n.actionItem).map((n) => n.seq));
  return state.records
    .filter((r) => r.kind !== 'metrics.snapshot')
    .map((r) => ({
      seq: r.seq,
      at: eventTime(r),
      kind: r.kind,
      ...describeRecord(r),
      starred: state.starred.has(r.seq),
      actionItem: actionItems.has(r.seq),
    }))
    .sort((a, b) => a.at - b.at || a.seq - b.seq);
}
