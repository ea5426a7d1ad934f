import type { SourceEvent } from '../../model/sourceEvents';
import { alertRules, alertRulesUnknown, alerts, alertsUnknown } from './alerts';
import { clusterEvent, containerRemoved, containerSeen, workloadRemoved, workloadSeen } from './containers';
import type { IngestContext, IngestDraft, Reducer, ReducerTable } from './draft';
import { logLines, logStreams } from './logLines';
import { releaseAnnounced, versionReported } from './releases';
import { counters, countersUnknown, health } from './signals';
import { sourceStatus } from './sourceStatus';

/** Which reducer folds each kind of source event into the draft. */
export const REDUCERS: ReducerTable = {
  container: containerSeen,
  'container-removed': containerRemoved,
  workload: workloadSeen,
  'workload-removed': workloadRemoved,
  'cluster-event': clusterEvent,
  'log-lines': logLines,
  'log-streams': logStreams,
  counters,
  'counters-unknown': countersUnknown,
  health,
  source: sourceStatus,
  alerts,
  'alerts-unknown': alertsUnknown,
  'alert-rules': alertRules,
  'alert-rules-unknown': alertRulesUnknown,
  version: versionReported,
  release: releaseAnnounced,
};

export function applyEvent(draft: IngestDraft, event: SourceEvent, ctx: IngestContext): void {
  // The table pairs each kind with its reducer; TypeScript cannot follow that through an index.
  const reduce = REDUCERS[event.type] as Reducer<SourceEvent['type']>;
  reduce(draft, event, ctx);
}
