import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogRecord } from '../logs/logRecord';
import type { OriginCount } from '../logs/requestOrigins';
import type { ServiceSignalsView } from '../metrics/serviceSignals';
import type { Alert, AlertRule } from '../model/alerts';
import type { Described, DescribeSubject } from '../model/containerDetail';
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
export type Overlay = 'none' | 'help' | 'confirm-quit' | 'prompt' | 'palette' | 'detail' | 'container';
export type MainView = 'dashboard' | 'timeline' | 'triage' | 'alerts' | 'patterns';

export { type FilterTarget, PANE_QUERY, type Prompt } from './prompt';

import type { Prompt } from './prompt';

/** Which templates the patterns view lists. */
export const PATTERN_MODES = ['new', 'spiking', 'all'] as const;
export type PatternMode = (typeof PATTERN_MODES)[number];

/**
 * A message on the status line of every screen (`to` absent) or of one person's (`to` their name):
 * what the shared session has to say (a resumed incident, a journal that refused a record), as wish's
 * multichat broadcasts shared messages while each session keeps its own model.
 */
export interface Announcement {
  at: number;
  text: string;
  to?: string;
}

/**
 * The data every screen shares: the fleet, rates, logs' version, alerts, incident and triage. One
 * per session; a screen subscribes to it, never copies it.
 */
/** A replay's clock and what it plays (see `session/replay/`); absent on a live console. */
export interface ReplayInfo {
  /** The incident id or the file played. */
  source: string;
  from: number;
  to: number;
  /** Where the replay stands in the recording's time. */
  at: number;
  speed: number;
  paused: boolean;
  ended: boolean;
  /** Training: the future and the real incident's record are hidden. */
  practice: boolean;
  /** Where a damaged recording broke (what precedes it plays). */
  damage?: string;
}

export interface SharedState {
  environment: string;
  startedAt: number;
  now: number;
  replay?: ReplayInfo;
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
  /** The log store's account, when the console keeps one: lines stored, dropped from it, how far back. */
  logStore?: { stored: number; dropped: number; oldest?: number };
  incident: { active?: ActiveIncident; timeline: TimelineEntry[]; events: NotableEvent[] };
  /** The playbook node the triage view shows, when a triage is under way. */
  triage?: PlaybookNodeView;
  /** Messages for the status line, newest last (a few are kept). */
  announcements: Announcement[];
  /** When the next stakeholder update is due, while an incident is open at a severity that has one. */
  updateDue?: number;
  /** How often stakeholders hear, by severity, in ms (none: at status changes), when the config says. */
  updateEvery?: Record<string, number | undefined>;
  /** Chat channels whose last message did not get through (kept for later, or refused): the header says so. */
  chatFailing?: string[];
}

/** One screen's own view: focus, scroll, filters, overlays, prompts, and its own messages. */
export interface ViewState {
  focus: PaneId;
  overlay: Overlay;
  view: MainView;
  prompt?: Prompt;
  timelineCursor: number;
  timelineFilter?: RecordKind;
  followLogs: boolean;
  /** Text typed into a prompt and left with Esc, by the prompt's `keepAs` (an unsent update). */
  keptDrafts?: Record<string, string>;
  /** The command palette's search text and highlighted row. */
  palette: { query: string; cursor: number };
  /** Long log lines wrap onto more rows instead of being cut. */
  wrapLogs?: boolean;
  /** The log line the detail overlay shows: the ring's (by number), or one read from the store. */
  detailSeq?: number;
  detailLine?: LogRecord;
  /**
   * What the detail overlay shows: the log line (`detailSeq`), the data's account, or the selected
   * timeline event, wrapped.
   */
  detailOf?: 'log' | 'data' | 'timeline';
  /** The help was opened from the describe view: it shows that view's keys, and closes back to it. */
  helpOfDescribe?: boolean;
  /** What the describe view shows (Enter or `d` on its row), once its engine or API has answered. */
  container?: {
    subject: DescribeSubject;
    described?: Described;
    error?: string;
    /** `l`: its own last lines from the engine, parsed as the log pane parses them, shown in place of the detail. */
    logs?: LogRecord[];
    /** Those lines' filter, in the log pane's language (`level:warn rid:… /re/ -word`). */
    logQuery?: string;
    /** Rows scrolled: from the top of the detail, from the bottom of the logs. */
    scroll?: number;
  };
  /** The log filter as typed (`rid:… level:… /re/`); applied live. */
  logQuery: string;
  /**
   * That filter's matches from the log store, older than the ring's lines (`session/logHistory.ts`),
   * oldest first: what the pane shows above the ring's own, and scrolls back through. `complete`:
   * the store holds nothing older. `gapAfter`: a jump loaded a page far from the ring, and the lines
   * between its newest and the ring's oldest are not loaded yet.
   */
  logHistory?: {
    query: string;
    lines: LogRecord[];
    searching: boolean;
    error?: string;
    complete?: boolean;
    gapAfter?: boolean;
  };
  /**
   * While the pane is scrolled back past the ring into the store: the index in `logHistory.lines`
   * of its bottom row.
   */
  logStoreAnchor?: number;
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
}

/** What a screen reads: the shared data, with its own view state as `ui`. */
export interface ConsoleState extends SharedState {
  ui: ViewState;
}

/**
 * A screen's store: reads the shared data and its own view as one state, and routes writes (`ui` to
 * the view, the rest to the shared data). `shared` and `view` are the two stores behind it.
 */
export interface ConsoleStore extends StoreApi<ConsoleState> {
  shared: StoreApi<SharedState>;
  view: StoreApi<ViewState>;
}

const MAX_EVENTS = 200;

/** The shared data of a session that has seen nothing yet. */
export function createSharedStore(environment: string, now = Date.now()): StoreApi<SharedState> {
  return createStore<SharedState>()(() => ({
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
    announcements: [],
  }));
}

/** A new screen's view: the logs focused and following, nothing filtered or open. */
export function createViewStore(me?: ViewState['me']): StoreApi<ViewState> {
  return createStore<ViewState>()(() => ({
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
    ...(me && { me }),
  }));
}

/** A console of one's own: one screen over new shared data. */
export function createConsoleStore(environment: string, now = Date.now()): ConsoleStore {
  return screenStore(createSharedStore(environment, now), createViewStore());
}

const MAX_ANNOUNCEMENTS = 20;

/** Says something on the status line of every screen, or of `to`'s only. */
export function announce(shared: StoreApi<SharedState>, text: string, to?: string, at = Date.now()): void {
  shared.setState((s) => ({
    announcements: [...s.announcements, { at, text, ...(to !== undefined && { to }) }].slice(
      -MAX_ANNOUNCEMENTS,
    ),
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

/** A screen that stops reading (a stalled SSH client) is not notified of shared changes until it resumes. */
export interface ScreenGate {
  paused(): boolean;
  /** Registers what to run when the screen resumes: one notification with the newest state. */
  onResume(run: () => void): () => void;
}

/**
 * One screen's store over the shared data and its own view. Reads see both as one state (built
 * again only when either side changes, so selectors stay cheap and stable); writes go where they
 * belong: `ui` to this screen's view, everything else to the shared data, which every screen sees.
 * Nothing is copied: a screen subscribes to the shared store itself.
 */
export function screenStore(
  shared: StoreApi<SharedState>,
  view: StoreApi<ViewState>,
  gate?: ScreenGate,
): ConsoleStore {
  let last: { shared: SharedState; view: ViewState; state: ConsoleState } | undefined;
  const getState = (): ConsoleState => {
    const s = shared.getState();
    const v = view.getState();
    if (last?.shared !== s || last.view !== v) last = { shared: s, view: v, state: { ...s, ui: v } };
    return last.state;
  };
  const setState: ConsoleStore['setState'] = (partial: unknown) => {
    const before = getState();
    const patch = (typeof partial === 'function' ? partial(before) : partial) as Partial<ConsoleState>;
    const { ui, ...data } = patch;
    if (ui) view.setState(ui);
    if (Object.keys(data).length > 0) shared.setState(data);
  };
  const subscribe: ConsoleStore['subscribe'] = (listener) => {
    let previous = getState();
    const notify = () => {
      const next = getState();
      if (next === previous) return;
      const prev = previous;
      previous = next;
      listener(next, prev);
    };
    const offShared = shared.subscribe(() => {
      if (!gate?.paused()) notify();
    });
    const offView = view.subscribe(notify);
    const offResume = gate?.onResume(notify);
    return () => {
      offShared();
      offView();
      offResume?.();
    };
  };
  return {
    getState,
    getInitialState: getState,
    setState,
    subscribe,
    shared,
    view,
  };
}
