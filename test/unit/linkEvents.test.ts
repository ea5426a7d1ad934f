import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { buildPostmortem } from '../../src/export/postmortem';
import { foldIncident } from '../../src/incident/incidentState';
import { timelineOf } from '../../src/incident/timeline';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { NotableEvent } from '../../src/model/notableEvent';
import type { SourceState } from '../../src/model/sourceEvents';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { scriptedJournal } from '../helpers/scriptedJournal';

const T0 = Date.UTC(2026, 10, 21, 3, 41, 0);
const LINK = 'docker-logs:shop-api-1';

/** A link that drops and comes back 67 times in 50 s, as a dead container's log follower did. */
function flapping(): { state: SourceState; at: number; reason?: string }[] {
  const out: { state: SourceState; at: number; reason?: string }[] = [
    { state: 'connecting', at: T0 },
    { state: 'connected', at: T0 + 100 },
  ];
  for (let i = 1; i <= 67; i++) {
    out.push({ state: 'reconnecting', at: T0 + i * 750, reason: 'the log stream ended' });
    out.push({ state: 'connected', at: T0 + i * 750 + 300 });
  }
  return out;
}

describe('repeated link events are coalesced', () => {
  it('the ingest lets the first change through and folds the rest into one summary with a count', () => {
    const store = createConsoleStore('test', T0);
    const notable: NotableEvent[] = [];
    const ingest = createIngest({
      store,
      logs: new LogBuffer(100),
      thresholds: DEFAULT_THRESHOLDS,
      reorderWindowMs: 0,
      onNotable: (events) => notable.push(...events),
    });
    for (const e of flapping()) {
      ingest.sink({
        type: 'source',
        id: LINK,
        state: e.state,
        at: e.at,
        ...(e.reason && { reason: e.reason }),
      });
      ingest.flush(e.at);
    }
    // A minute of quiet, on the clock.
    for (let t = 51_000; t <= 125_000; t += 1000) ingest.flush(T0 + t);
    const links = notable.filter((e) => e.kind === 'source');
    expect(links).toHaveLength(2);
    expect(links[1]?.data).toMatchObject({ source: LINK, state: 'connected', count: 133, since: T0 + 1050 });
    expect(links[1]?.text).toBe(`${LINK}: connected, 133 more changes since 03:41:01`);
    expect(store.getState().incident.events.filter((e) => e.kind === 'source')).toHaveLength(2);
  });

  it('the timeline and the draft show a flapping link as one entry with its count and span', () => {
    const { records, add } = scriptedJournal(T0);
    add(0, 'incident.declared', { title: 'api 5xx', severity: 'P1', commander: 'alice' });
    // A journal written before the ingest coalesced: one record per change.
    for (const e of flapping().slice(2))
      add(e.at - T0, 'source.state', { source: LINK, state: e.state, ...(e.reason && { reason: e.reason }) });
    const state = foldIncident('inc-link', records);
    if (!state) throw new Error('no incident');
    const rows = timelineOf(state).filter((e) => e.kind === 'source.state');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).toBe(`Link ${LINK}: 134 changes in 49s (03:41:00–03:41:50), last connected`);
    const draft = buildPostmortem(state).timeline.filter((e) => e.kind === 'source.state');
    expect(draft.map((e) => e.text)).toEqual([rows[0]?.text]);
  });
});
