import type { LogBuffer } from '../logs/logBuffer';
import type { LogRecord } from '../logs/logRecord';
import type { IncidentSession } from './incidentSession';
import type { HistorySearch } from './logHistory';

/** How many of a request's lines its record keeps: the trail through the services, not a dump. */
export const TRAIL_LINES = 100;

/**
 * Journals a request's lines across every service (the log store's and the ring's) when the
 * operator pins one of its lines or pivots on it during an incident, once per request: the draft's
 * evidence then holds the whole trail, however long the store keeps it.
 */
export async function keepRequestTrail(
  services: { incident?: IncidentSession | undefined; logs: LogBuffer; search?: HistorySearch | undefined },
  requestId: string,
  reason: 'pinned' | 'pivoted',
): Promise<void> {
  const { incident, logs, search } = services;
  if (!incident?.active || incident.active.status === 'resolved' || incident.hasTrail(requestId)) return;
  const stored = search ? (await search({ filter: { requestId } }, TRAIL_LINES * 2)).lines : [];
  const seen = new Set<string>();
  const lines: LogRecord[] = [];
  for (const r of [...stored, ...logs.ring.toArray().filter((x) => x.requestId === requestId)]) {
    const key = `${r.time}\u0000${r.source}\u0000${r.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(r);
  }
  if (lines.length === 0 || incident.hasTrail(requestId)) return;
  lines.sort((a, b) => a.time - b.time);
  incident.record('log.trail', {
    requestId,
    reason,
    lines: lines.slice(0, TRAIL_LINES).map((r) => ({ at: r.time, source: r.source, text: r.text })),
    ...(lines.length > TRAIL_LINES && { more: lines.length - TRAIL_LINES }),
  });
}
