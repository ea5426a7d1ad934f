import type { TimelineEntry } from '../model/incident';
import { eventTime, type JournalRecord, type RecordOfKind } from '../model/journalRecord';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { chatOutageEdges } from './chatOutages';
import { describeRecord } from './describeRecord';
import type { IncidentState } from './incidentState';

/** Changes of one link closer than this to the one before are one entry: a flapping link is one row. */
export const LINK_RUN_GAP_MS = 5 * 60_000;

/** One row of the timeline: a record, or a run of one link's state changes folded into the first. */
export interface TimelineRow {
  record: JournalRecord;
  at: number;
  text: string;
  evidence: string;
}

interface LinkRun {
  row: TimelineRow;
  first: RecordOfKind<'source.state'>;
  lastAt: number;
  lastState: string;
  reason: string;
  count: number;
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

/** A run of more than one change says how many, over how long, and the state it ended in. */
function wordRun(run: LinkRun): void {
  if (run.count <= 1) return;
  const span = run.lastAt - run.row.at;
  run.row.text = `Link ${sanitize(run.first.payload.source)}: ${run.count} changes in ${formatDuration(span)} (${clock(run.row.at)}–${clock(run.lastAt)}), last ${sanitize(run.lastState)}`;
  run.row.evidence = sanitize(run.reason);
}

/**
 * The rows of the timeline and of the draft's, in event-time order, without metrics snapshots (they
 * feed the draft's figures). A link's state changes, however many and however summarised when they
 * were recorded, become one row with their count and span.
 */
export function timelineRows(records: readonly JournalRecord[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const runs = new Map<string, LinkRun>();
  // Chat's bookkeeping stays in the journal: a message about to go, or one a channel took, would be
  // two rows per channel for every change. A channel's outage is news: its start and end are rows.
  const outages = chatOutageEdges(records);
  const sorted = records
    .filter(
      (r) =>
        r.kind !== 'metrics.snapshot' &&
        r.kind !== 'notify.intent' &&
        !(r.kind === 'notify.result' && !outages.has(r)),
    )
    .sort((a, b) => eventTime(a) - eventTime(b) || a.seq - b.seq);
  for (const r of sorted) {
    const at = eventTime(r);
    if (r.kind === 'source.state') {
      const run = runs.get(r.payload.source);
      const count = r.payload.count ?? 1;
      if (run && at - run.lastAt <= LINK_RUN_GAP_MS) {
        run.count += count;
        run.lastAt = at;
        run.lastState = r.payload.state;
        if (r.payload.reason) run.reason = r.payload.reason;
        continue;
      }
      if (run) wordRun(run);
      // A summary recorded alone (its first change came before the incident) starts its row then.
      const row = { record: r, at: Math.min(at, r.payload.since ?? at), ...describeRecord(r) };
      runs.set(r.payload.source, {
        row,
        first: r,
        lastAt: at,
        lastState: r.payload.state,
        reason: r.payload.reason ?? '',
        count,
      });
      rows.push(row);
      continue;
    }
    rows.push({ record: r, at, ...describeRecord(r) });
  }
  for (const run of runs.values()) wordRun(run);
  return rows.sort((a, b) => a.at - b.at || a.record.seq - b.record.seq);
}

/** The timeline rows of an incident, in event-time order. */
export function timelineOf(state: IncidentState): TimelineEntry[] {
  const actionItems = new Set(state.notes.filter((n) => n.actionItem).map((n) => n.seq));
  return timelineRows(state.records).map(({ record, at, text, evidence }) => ({
    seq: record.seq,
    at,
    kind: record.kind,
    text,
    evidence,
    starred: state.starred.has(record.seq),
    actionItem: actionItems.has(record.seq),
  }));
}
