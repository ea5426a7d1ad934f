import type { Thresholds } from '../../config/schema';
import { LogBuffer } from '../../logs/logBuffer';
import type { NotableEvent } from '../../model/notableEvent';
import type { Recording } from '../../model/recording';
import { type ConsoleStore, createConsoleStore } from '../../store/consoleStore';
import { createIngest } from '../../store/ingest';
import { ReplayDriver } from './replayDriver';
import { signalItems } from './signalItems';

/**
 * A recording's signals through a fresh ingest at full speed, up to `until` (its end by default):
 * the store as the console would have shown it then, and every notable event (rules firing and
 * clearing, releases) with the time the replay saw it. No screen, no journal; the driver plays on.
 */
export function playThrough(
  rec: Recording,
  thresholds: Thresholds,
  until = rec.header.to,
): { store: ConsoleStore; notable: NotableEvent[]; driver: ReplayDriver } {
  const { header } = rec;
  const store = createConsoleStore(header.environment, header.from);
  const notable: NotableEvent[] = [];
  const ingest = createIngest({
    store,
    logs: new LogBuffer(),
    thresholds,
    openedAt: header.from,
    onNotable: (events) => notable.push(...events),
  });
  const info = {
    source: header.incident,
    from: header.from,
    to: header.to,
    at: header.from,
    speed: 1,
    paused: true,
    ended: false,
    practice: false,
  };
  const driver = new ReplayDriver(signalItems(rec).items, ingest, store, info, () => {});
  driver.advanceTo(until);
  return { store, notable, driver };
}
