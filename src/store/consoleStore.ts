import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OriginCount } from '../logs/requestOrigins';
import type { ServiceSignalsView } from '../metrics/serviceSignals';
import type { Alert, AlertRule } from '../model/alerts';
import type { Diagnosis } from '../model/diagnosis';
import type { ActiveIncident, TimelineEntry } from '../model/incident';
import type { RecordKind } from '../model/journalRecord';
import type { NotableEvent } from '../model/notableEvent';
import type { PlaybookNodeView } from '../model/playbookView';
import type { ConnectedResponder, ResponderRole } from '../model/responders';
import type { ContainerStatus, LogStreamCounts, SourceState, WorkloadStatus } from '../model/sourceEvents';

export interface SourceView {
  id: string;
  state: SourceState;
  at: number;
  reason?: string;
  nextTryAt?: number;
}

export type PaneId = 'containers' | 'rates' | 'logs';
export type Overlay = 'none' | 'help' | 'confirm-quit' | 'prompt' | 'palette' | 'detail';
export type MainView = 'dashboard' | 'timeline' | 'triage' | 'alerts' | 'patterns';

/** A question the console is asking: free text, or one of a few choices picked by key. */
export interface Prompt {
  purpose:
    | 'declare-title'
    | 'declare-severity'
    | 'note'
    | 'hand-over'
    | 'give-steps'
    | 'status'
    | 'resolve-anyway'
    | 'severity'
    | 'confirm-step'
    | 'parameter'
    | 'filter'
    | 'jump'
    | 'silence-matchers'
    | 'silence-duration'
    | 'silence-confirm'
    | 'expire-silences';
  label: string;
  /** Lines shown under the question: exactly what accepting it will do. */
  details?: string[];
  value: string;
  choices?: { key: string; label: string; value: string }[];
  /** Carried from one step to the next (the title while the severity is asked). */
  carry?: string;
  /** A silence being prepared: its matchers as typed, then its duration. */
  silence?: { matchers: string; durationMs?: number };
  /** For a filter: the pane it filters (live, as it is typed). */
  filterOf?: FilterTarget;
}

/** Which templates the patterns view lists. */
export const PATTERN_MODES = ['new', 'spiking', 'all'] as const;
export type PatternMode = (typeof PATTERN_MODES)[number];

/** Where each pane keeps its filter text. */
export const PANE_QUERY = {
  logs: 'logQuery',
  containers: 'containerQuery',
  rates: 'serviceQuery',
  alerts: 'alertQuery',
} as const;

/** What `/` filters: the focused pane, or the alerts view's list. */
export type FilterTarget = keyof typeof PANE_QUERY;

export interface ConsoleState {
  environment: string;
  startedAt: number;
  now: number;
  sources: Record<string, SourceView>;
  containers: Record<string, ContainerStatus>;
  /** Who is connected to a shared console (`opsconsole serve`); empty for a console of one's own. */
  presence: ConnectedResponder[];
  /** Kubernetes workloads by `workloadKeyOf` key: desired replicas and rollout progress. */
  workloads: Record<string, WorkloadStatus>;
  /**
   * Where failures start: per service, how often it was the first to fail a request that failed on
   * several (the last 15 minutes), most often first. Empty until request ids fail on two services.
   */
  origins: OriginCount[];
  /** Recent failing templates that name a dependency (connection refused, timeouts): triage's evidence. */
  dependencyErrors: { service: string; template: string; count: number }[];
  /** The data's account of what is going on (the change, new failing templates, the origin), while something fails. */
  diagnosis?: Diagnosis;
  /** The environment's alerts when an Alertmanager is configured: the latest list, or why unknown. */
  alerts?: { list: Alert[]; at: number; unknown?: string };
  /** Prometheus's alerting rules and their alerts (pending ones too), when `prometheus.rules` is on. */
  alertRules?: { rules: AlertRule[]; alerts: Alert[]; at: number; unknown?: string };
  /** Since when each service has been watched by a source able to see its releases. */
  releaseWatch: Record<string, number>;
  /**
   * What the configuration promises, so an empty pane can say why: whether anything reports
   * containers, and for each configured service what should feed its error rate (none: say so).
   */
  expected: { containers: boolean; services: Record<string, string[]> };
  signals: Record<string, ServiceSignalsView>;
  /** Log lines live in a ring buffer outside the store; views re-read it when `version` moves. */
  logs: { version: number; received: number; dropped: number; droppedBySource: Record<string, number> };
  /** A cluster's log streams: how many are followed of how many wanted (the cap), when Kubernetes is watched. */
  logStreams?: LogStreamCounts;
  incident: { active?: ActiveIncident; timeline: TimelineEntry[]; events: NotableEvent[] };
  /** The playbook node the triage view shows, when a triage is under way. */
  triage?: PlaybookNodeView;
  ui: {
    focus: PaneId;
    overlay: Overlay;
    view: MainView;
    prompt?: Prompt;
    timelineCursor: number;
    timelineFilter?: RecordKind;
    followLogs: boolean;
    /** The command palette's search text and highlighted row. */
    palette: { query: string; cursor: number };
    /** Long log lines wrap onto more rows instead of being cut. */
    wrapLogs?: boolean;
    /** The log line the detail overlay shows. */
    detailSeq?: number;
    /** What the detail overlay shows: the log line (`detailSeq`), or the data's account wrapped. */
    detailOf?: 'log' | 'data';
    /** The log filter as typed (`rid:… level:… /re/`); applied live. */
    logQuery: string;
    /** Words the containers and error-rate panes are filtered by, and their selected rows. */
    containerQuery: string;
    /** Words the alerts view's list is filtered by (name, labels, state). */
    alertQuery: string;
    serviceQuery: string;
    containerCursor: number;
    serviceCursor: number;
    alertCursor: number;
    /** The patterns view: which templates (new since the release, spiking, all) and the selected row. */
    patternMode: PatternMode;
    patternCursor: number;
    /** The selected alert group's labels and annotations are shown under the list. */
    alertExpanded: boolean;
    /** Container groups (host or host/project) folded to their header. */
    collapsedGroups: string[];
    /** Who this screen belongs to on a shared console. */
    me?: { name: string; role: ResponderRole };
    /** Kubernetes workloads unfolded into their pods (workload rows are folded by default). */
    expandedWorkloads: string[];
    /** Sequence number of the bottom log line while paused (not following). */
    logAnchor?: number;
    message?: string;
    /** When `message` was said (the store's clock): the status line lets it go after a few seconds. */
    messageAt?: number;
  };
}

export type ConsoleStore = StoreApi<ConsoleState>;

const MAX_EVENTS = 200;

export function createConsoleStore(environment: string, now = Date.now()): ConsoleStore {
  return createStore<ConsoleState>()(() => ({
    environment,
    startedAt: now,
    now,
    sources: {},
    containers: {},
    workloads: {},
    presence: [],
    releaseWatch: {},
    origins: [],
    dependencyErrors: [],
    expected: { containers: true, services: {} },
    signals: {},
    logs: { version: 0, received: 0, dropped: 0, droppedBySource: {} },
    incident: { events: [], timeline: [] },
    ui: {
      focus: 'logs',
      overlay: 'none',
      view: 'dashboard',
      followLogs: true,
      timelineCursor: 0,
      logQuery: '',
      containerQuery: '',
      alertQuery: '',
      serviceQuery: '',
      containerCursor: 0,
      serviceCursor: 0,
      alertCursor: 0,
      patternMode: 'new',
      patternCursor: 0,
      alertExpanded: false,
      collapsedGroups: [],
      expandedWorkloads: [],
      palette: { query: '', cursor: 0 },
    },
  }));
}

/** The ui with a status-line message said now (see `messageAt`). */
export function withMessage(state: ConsoleState, message: string): Partial<ConsoleState> {
  return { ui: { ...state.ui, message, messageAt: state.now } };
}

export function appendEvents(events: NotableEvent[], added: NotableEvent[]): NotableEvent[] {
  if (added.length === 0) return events;
  const all = [...events, ...added];
  return all.length > MAX_EVENTS ? all.slice(all.length - MAX_EVENTS) : all;
}
