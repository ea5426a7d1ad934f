import { fromStoredLine } from '../../logstore/storedLine';
import { RecordedEventSchema } from '../../model/recordedEventSchema';
import type { Recording } from '../../model/recording';
import type { SourceEvent } from '../../model/sourceEvents';

/** One thing a replay hands the ingest, at the time the console received it. */
export interface SignalItem {
  t: number;
  event: SourceEvent;
}

/**
 * A recording's signals as the sources delivered them, in time order: the recorded events as they
 * are, and the stored log lines as `log-lines` events again (a stack trace stored whole goes in as
 * its lines, so the ingest joins it as it did live). A line received at the same instant from the
 * same source as the one before joins its event. A stored line or an event that does not read
 * (a file from elsewhere, edited) is left out and counted.
 */
export function signalItems(rec: Recording): {
  items: SignalItem[];
  unreadableLines: number;
  unreadableEvents: number;
} {
  const items: SignalItem[] = [];
  let unreadableEvents = 0;
  // A recording may come from anywhere: an event the ingest could not take is left out and counted.
  for (const e of rec.events)
    if (RecordedEventSchema.safeParse(e).success) items.push({ t: e.t, event: e.e as SourceEvent });
    else unreadableEvents++;
  let unreadableLines = 0;
  let last: { t: number; source: string; lines: string[] } | undefined;
  rec.lines.forEach((tuple, i) => {
    try {
      const r = fromStoredLine(tuple, i + 1);
      if (last && last.t === r.time && last.source === r.source) {
        last.lines.push(...r.text.split('\n'));
        return;
      }
      const event = {
        type: 'log-lines' as const,
        source: r.source,
        lines: r.text.split('\n'),
        receivedAt: r.time,
      };
      last = { t: r.time, source: r.source, lines: event.lines };
      items.push({ t: r.time, event });
    } catch {
      unreadableLines++;
    }
  });
  // Stable: what arrived in one millisecond keeps its order.
  items.sort((a, b) => a.t - b.t);
  return { items, unreadableLines, unreadableEvents };
}
