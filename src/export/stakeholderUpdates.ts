import { chatOutageEdges } from '../incident/chatOutages';
import type { JournalRecord } from '../model/journalRecord';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';

/** What the draft says of how stakeholders were kept informed: each update, each reminder, chat's outages. */
export interface StakeholderUpdates {
  rows: { at: string; what: string }[];
  /**
   * The longest stretch stakeholders went without hearing, from the declaration to the last update
   * (or resolution): an update counts when a channel took it, not when it was written.
   */
  longestGap: string | null;
}

const timeOf = (r: JournalRecord) => r.at ?? r.ts;

/** The journal seq of the record a chat message was made from (`<incident>-<seq>:<channel>`). */
const sourceSeq = (messageId: string) => Number(/-(\d+):[^:]*$/.exec(messageId)?.[1] ?? Number.NaN);

/** Each update's deliveries: the channels that took it and when, and those that never did. */
function deliveries(records: readonly JournalRecord[]) {
  const told = new Map<number, { took: { channel: string; at: number }[]; tried: Set<string> }>();
  for (const r of records) {
    if (r.kind !== 'notify.intent' && r.kind !== 'notify.result') continue;
    const seq = sourceSeq(r.payload.messageId);
    const entry = told.get(seq) ?? { took: [], tried: new Set<string>() };
    told.set(seq, entry);
    entry.tried.add(r.payload.channel);
    if (r.kind === 'notify.result' && r.payload.delivered)
      entry.took.push({ channel: r.payload.channel, at: Date.parse(timeOf(r)) });
  }
  return told;
}

const clock = (t: number) => `${new Date(t).toISOString().slice(11, 19)}Z`;

export function stakeholderUpdates(records: readonly JournalRecord[]): StakeholderUpdates {
  const rows: StakeholderUpdates['rows'] = [];
  const marks: number[] = [];
  const told = deliveries(records);
  const outages = chatOutageEdges(records);
  for (const r of records) {
    if (r.kind === 'incident.declared') marks.push(Date.parse(timeOf(r)));
    if (r.kind === 'incident.update') {
      const written = Date.parse(timeOf(r));
      const d = told.get(r.seq);
      const first = d && d.took.length > 0 ? Math.min(...d.took.map((t) => t.at)) : undefined;
      const missing = d ? [...d.tried].filter((c) => !d.took.some((t) => t.channel === c)) : [];
      // Heard when the first channel took it; with no channel configured, when it was written.
      marks.push(first ?? (d ? Number.NaN : written));
      const how = !d
        ? 'recorded (no chat channel)'
        : [
            d.took.length > 0
              ? `delivered to ${d.took.map((t) => `${sanitize(t.channel)} at ${clock(t.at)}${t.at - written >= 60_000 ? ` (${formatDuration(t.at - written)} late)` : ''}`).join(', ')}`
              : '',
            missing.length > 0 ? `never taken by ${missing.map((c) => sanitize(c)).join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ');
      rows.push({ at: timeOf(r), what: `Update ${how}: ${sanitize(r.payload.text)}` });
    }
    if (r.kind === 'update.due')
      rows.push({ at: timeOf(r), what: `Update due (every ${formatDuration(r.payload.everyMs)})` });
    if (r.kind === 'notify.result' && outages.has(r))
      rows.push({
        at: timeOf(r),
        what: r.payload.delivered
          ? `${sanitize(r.payload.channel)} took messages again`
          : `${sanitize(r.payload.channel)} stopped taking messages: ${sanitize(r.payload.detail)}`,
      });
    if (r.kind === 'incident.status' && r.payload.status === 'resolved') marks.push(Date.parse(timeOf(r)));
  }
  rows.sort((a, b) => a.at.localeCompare(b.at));
  const sorted = marks.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  return { rows, longestGap: gaps.length > 0 ? formatDuration(Math.max(...gaps)) : null };
}
