import type { JournalRecord } from '../model/journalRecord';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';

/** What the draft says of how stakeholders were kept informed: each update, each reminder, chat's failures. */
export interface StakeholderUpdates {
  rows: { at: string; what: string }[];
  /** The longest stretch without an update, from the declaration to the last update (or resolution). */
  longestGap: string | null;
}

const timeOf = (r: JournalRecord) => r.at ?? r.ts;

export function stakeholderUpdates(records: readonly JournalRecord[]): StakeholderUpdates {
  const rows: StakeholderUpdates['rows'] = [];
  const marks: number[] = [];
  for (const r of records) {
    if (r.kind === 'incident.declared') marks.push(Date.parse(timeOf(r)));
    if (r.kind === 'incident.update') {
      marks.push(Date.parse(timeOf(r)));
      rows.push({ at: timeOf(r), what: `Update sent: ${sanitize(r.payload.text)}` });
    }
    if (r.kind === 'update.due')
      rows.push({ at: timeOf(r), what: `Update due (every ${formatDuration(r.payload.everyMs)})` });
    if (r.kind === 'notify.result' && !r.payload.delivered)
      rows.push({
        at: timeOf(r),
        what: `${sanitize(r.payload.channel)} did not take a message: ${sanitize(r.payload.detail)}`,
      });
    if (r.kind === 'incident.status' && r.payload.status === 'resolved') marks.push(Date.parse(timeOf(r)));
  }
  rows.sort((a, b) => a.at.localeCompare(b.at));
  const sorted = marks.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  return { rows, longestGap: gaps.length > 0 ? formatDuration(Math.max(...gaps)) : null };
}
