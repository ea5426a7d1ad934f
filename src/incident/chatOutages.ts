import type { JournalRecord } from '../model/journalRecord';

type Result = Extract<JournalRecord, { kind: 'notify.result' }>;

/**
 * The chat results worth a row: the first failure of a channel after it last took a message (the
 * start of its outage), and the delivery that ends the outage. A channel down for an hour is retried
 * every minute; the journal keeps every try, the timeline two rows.
 */
export function chatOutageEdges(records: readonly JournalRecord[]): Set<Result> {
  const edges = new Set<Result>();
  const failing = new Set<string>();
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    if (r.kind !== 'notify.result') continue;
    const channel = r.payload.channel;
    if (!r.payload.delivered && !failing.has(channel)) {
      failing.add(channel);
      edges.add(r);
    } else if (r.payload.delivered && failing.has(channel)) {
      failing.delete(channel);
      edges.add(r);
    }
  }
  return edges;
}
