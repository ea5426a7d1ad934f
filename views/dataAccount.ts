import type { ConsoleState } from '../src/store/consoleStore';
import { lastReleases } from '../src/store/patternRows';
import { clockTime } from './rows';

/**
 * The diagnosis as one line, saying so when the release it names is no longer what runs (a
 * rollback since): "Data: api v1.5.0 …" read after the rollback to v1.4.2 was stale.
 */
export function dataAccount(s: ConsoleState): string | undefined {
  const d = s.diagnosis;
  if (!d) return undefined;
  const latest = d.change ? lastReleases(s).get(d.change.service) : undefined;
  const superseded = d.change && latest && latest.at > d.change.at && latest.data.to !== d.change.to;
  return superseded
    ? `before ${latest.data.service} ${latest.data.to} at ${clockTime(latest.at)}: ${d.summary}`
    : d.summary;
}
