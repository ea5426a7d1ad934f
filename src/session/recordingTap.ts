import type { IncidentState } from '../incident/incidentState';
import type { LogStoreClient } from '../logstore/logStoreClient';
import { RECORDING_LEAD_MS, type RecordedEvent } from '../model/recording';
import type { EventSink } from '../model/sourceEvents';

/** How often the events received are handed to the store: what a crash can lose of the recording. */
const RECORD_EVERY_MS = 1000;

/**
 * The recording: every source event but log lines (the log store keeps those), stamped with the
 * time the console received it, handed to the log store once a second. Returns the sink the
 * sources feed (it passes every event on to the ingest unchanged).
 */
export function recordingSink(
  logStore: LogStoreClient,
  next: EventSink,
  now: () => number = Date.now,
): { sink: EventSink; stop(): void } {
  let batch: RecordedEvent[] = [];
  const hand = () => {
    if (batch.length === 0) return;
    logStore.record(batch);
    batch = [];
  };
  const timer = setInterval(hand, RECORD_EVERY_MS);
  timer.unref();
  return {
    sink: (event) => {
      if (event.type !== 'log-lines') batch.push({ t: now(), e: event });
      next(event);
    },
    stop() {
      clearInterval(timer);
      hand();
    },
  };
}

/**
 * The range an incident keeps from eviction: from half an hour before it started until it was
 * resolved (open-ended while it is not).
 */
export function keptRangeOf(s: IncidentState): { incident: string; from: number; to?: number } {
  const start = Math.min(s.startedAt ?? s.declaredAt, s.declaredAt);
  return {
    incident: s.id,
    from: start - RECORDING_LEAD_MS,
    ...(s.resolvedAt !== undefined && { to: s.resolvedAt }),
  };
}
