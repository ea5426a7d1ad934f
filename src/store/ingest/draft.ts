import type { LogBuffer } from '../../logs/logBuffer';
import type { MultilineJoiner } from '../../logs/multiline';
import type { ReorderBuffer } from '../../logs/reorderBuffer';
import type { ServiceSignals } from '../../metrics/serviceSignals';
import type { NotableEvent } from '../../model/notableEvent';
import type { SourceEvent } from '../../model/sourceEvents';
import type { ClusterEventFilter } from '../clusterEvents';
import { appendEvents, type ConsoleState } from '../consoleStore';
import type { ContainerChangeDeduper } from '../containerChangeDeduper';
import type { ContainerHealthChecks } from '../containerHealthChecks';
import { type CopiedOnFirstWrite, copiedOnFirstWrite } from '../copiedOnFirstWrite';
import type { LinkEventCoalescer } from '../linkEvents';
import type { ReleaseDetector } from '../releaseDetector';
import type { ReadBackCounts } from './readBackCounts';

/**
 * What one flush builds before it becomes a single store update. Each slice starts as the store's
 * own and is replaced, never mutated, so the panes' selectors see a new object only for what changed.
 */
export interface IngestDraft {
  /** Copied on their first change in a flush: 50,000 pods in one batch must not mean 50,000 copies. */
  containers: CopiedOnFirstWrite<ConsoleState['containers'][string]>;
  workloads: CopiedOnFirstWrite<ConsoleState['workloads'][string]>;
  logStreams: ConsoleState['logStreams'];
  alerts: ConsoleState['alerts'];
  alertRules: ConsoleState['alertRules'];
  sources: ConsoleState['sources'];
  /** Raised in this flush, in the order seen: they go to the incident and to `onNotable` together. */
  notable: NotableEvent[];
  /** Some service's signals took a reading, so its rules and views must be evaluated again. */
  signalsChanged: boolean;
}

/** Requests and 5xx counted from a service's log lines, cumulative like a counter. */
export interface LogCounts {
  requests: number;
  errors: number;
}

/** What outlives a flush: the detectors that remember across batches, and the flush's clock. */
export interface IngestContext {
  now: number;
  logs: LogBuffer;
  reorder: ReorderBuffer;
  /** Which lines continue a multi-line record (joined to it while it waits in `reorder`). */
  joiner: MultilineJoiner;
  releases: ReleaseDetector;
  containerChanges: ContainerChangeDeduper;
  /** Each container's own health check, counted as one of its service's. */
  containerHealth: ContainerHealthChecks;
  clusterEvents: ClusterEventFilter;
  links: LinkEventCoalescer;
  logCounts: Map<string, LogCounts>;
  /** When the console opened: lines and readings from before it were read back from the sources. */
  openedAt: number;
  readBack: ReadBackCounts;
  /** Services with readings read back, whose rules are judged again from the oldest. */
  replay: Set<string>;
  /**
   * More events wait behind this flush (a backlog applied in slices): rules are judged again once,
   * when the last slice is in, not after every slice.
   */
  backlog?: boolean;
  signalsFor(service: string): ServiceSignals;
}

export type EventOf<K extends SourceEvent['type']> = Extract<SourceEvent, { type: K }>;

/** Folds one event into the draft; the detectors in the context may remember it. */
export type Reducer<K extends SourceEvent['type']> = (
  draft: IngestDraft,
  event: EventOf<K>,
  ctx: IngestContext,
) => void;

/** One reducer per event kind: a kind added to `SourceEvent` without one does not compile. */
export type ReducerTable = { [K in SourceEvent['type']]: Reducer<K> };

/** What is derived from the logs once a second rather than per event. */
export type PerSecond = Pick<ConsoleState, 'origins' | 'diagnosis' | 'dependencyErrors'>;

export function draftFrom(state: ConsoleState): IngestDraft {
  return {
    containers: copiedOnFirstWrite(state.containers),
    workloads: copiedOnFirstWrite(state.workloads),
    logStreams: state.logStreams,
    alerts: state.alerts,
    alertRules: state.alertRules,
    sources: state.sources,
    notable: [],
    signalsChanged: false,
  };
}

/** The one store update of a flush. */
export function statePatch(
  state: ConsoleState,
  draft: IngestDraft,
  ctx: IngestContext,
  flushed: { perSecond: PerSecond; signals: ConsoleState['signals']; received: number },
): Partial<ConsoleState> {
  const { containers, workloads, logStreams, alerts, alertRules, sources, notable } = draft;
  const { releases, logs, now } = ctx;
  const { perSecond, signals, received } = flushed;
  const watched = releases.watchedSince.size !== Object.keys(state.releaseWatch).length;
  return {
    now,
    ...(watched && { releaseWatch: Object.fromEntries(releases.watchedSince) }),
    containers: containers.current,
    workloads: workloads.current,
    ...(logStreams && { logStreams }),
    ...perSecond,
    ...(alerts && { alerts }),
    ...(alertRules && { alertRules }),
    sources,
    signals,
    ...(received > 0 && {
      logs: {
        version: state.logs.version + 1,
        received: state.logs.received + received,
        dropped: logs.ring.evicted,
        droppedBySource: Object.fromEntries(logs.evictedBySource),
      },
    }),
    ...(notable.length > 0 && {
      incident: { ...state.incident, events: appendEvents(state.incident.events, notable) },
    }),
  };
}
