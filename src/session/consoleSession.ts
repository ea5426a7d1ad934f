import type { Thresholds } from '../config/schema';
import { IncidentRepository } from '../incident/incidentRepository';
import type { IncidentStore } from '../incident/incidentStore';
import { LogBuffer } from '../logs/logBuffer';
import { LogStoreClient } from '../logstore/logStoreClient';
import { StoreSearch } from '../logstore/storeSearch';
import { rulesFromThresholds } from '../metrics/thresholdRule';
import { diagnosisKey } from '../model/diagnosis';
import type { EventSink } from '../model/sourceEvents';
import type { NotifyTarget } from '../notify/notifier';
import type { Playbook } from '../playbooks/schema';
import { logStoreThreadScript } from '../projectRoot';
import { announce, type ConsoleState, type ConsoleStore, createConsoleStore } from '../store/consoleStore';
import { createIngest, type Ingest } from '../store/ingest';
import { firstLineOf } from '../userError';
import { startChatUpdates } from './chatUpdates';
import { type ConsoleControls, createConsoleControls } from './consoleControls';
import type { ConsoleServices } from './controllers/controllerContext';
import { IncidentSession } from './incidentSession';
import type { HistorySearch } from './logHistory';
import { startMetricsSnapshots } from './metricsSnapshots';
import { keptRangeOf, recordingSink } from './recordingTap';
import { type TriageEnvironment, TriageSession } from './triageSession';
import { startUpdateReminders } from './updateReminders';

/** The console's lock wait: input is handled on this thread, so a journal lock must never hang it. */
export const CONSOLE_LOCK_WAIT_MS = 250;

export interface ConsoleSessionOptions {
  environment: string;
  thresholds: Thresholds;
  stateDir: string;
  /** Literal secret values from the config, redacted from everything recorded. */
  secrets: string[];
  playbooks: Map<string, Playbook>;
  triageEnvironment: TriageEnvironment;
  /** Starts the sources feeding `sink`; returns how to stop them. */
  startSources: (sink: EventSink) => Promise<{ stop(): Promise<void> }>;
  /** What quitting does (the view's owner ends the program). */
  exit(): void;
  /** The environment's Alertmanager, for silences and the severity map; absent without one. */
  alertmanager?: ConsoleServices['alertmanager'];
  /** What the configuration promises (see the store's `expected`); everything when absent. */
  expected?: ConsoleState['expected'];
  /** Where every line the console sees is kept (`logstore/`); nothing is kept when absent. */
  logStore?: { path: string; budgetBytes: number };
  /** The Docker engines watched, to describe a container and act on it from the pane. */
  containers?: ConsoleServices['containers'];
  /** The environment's chat channels, told of the incident's course. */
  notify?: NotifyTarget[];
  /** How often stakeholders hear, by severity (ms; undefined: at status changes); the defaults otherwise. */
  updateEvery?: Record<string, number | undefined>;
  /** Where incidents are kept (`store:`); the JSONL journals in the state directory when absent. */
  incidents?: IncidentStore;
  /** How to join this console (`opsconsole attach …` when it is served), for channels that allow links. */
  chatJoin?: string;
}

/** What every console over one environment shares: the data, the journal, the triage. */
/** How long a quitting console waits for chat messages already on their way. */
const CHAT_GRACE_MS = 3_000;

export interface SharedSession {
  store: ConsoleStore;
  logs: LogBuffer;
  ingest: Ingest;
  incident: IncidentSession;
  triage: TriageSession;
  stateDir: string;
  alertmanager?: ConsoleServices['alertmanager'];
  containers?: ConsoleServices['containers'];
  /** The log store's writer, when the environment keeps one. */
  logStore?: LogStoreClient;
  /** Its search, for filters that reach back past the ring. */
  search?: HistorySearch;
  /** Chat messages accepted and not yet delivered (they wait in the outbox for the next run). */
  chatPending(): number;
  stop(): Promise<void>;
}

export interface ConsoleSession extends SharedSession {
  controls: ConsoleControls;
}

/**
 * Everything behind the screen, wired: the store, the log ring, the ingest fed by the sources, the
 * incident journal (its state mirrored into the store, observations journaled), the triage, the
 * metrics snapshots and the controllers. No React here: the caller renders the views over it.
 */
export function startConsoleSession(options: ConsoleSessionOptions): ConsoleSession {
  const shared = startSharedSession(options);
  const controls = createConsoleControls({
    store: shared.store,
    logs: shared.logs,
    exit: options.exit,
    incident: shared.incident,
    triage: shared.triage,
    stateDir: shared.stateDir,
    ...(shared.alertmanager && { alertmanager: shared.alertmanager }),
    ...(shared.search && { search: shared.search }),
    ...(shared.containers && { containers: shared.containers }),
  });
  return {
    ...shared,
    controls,
    async stop() {
      controls.stop();
      await shared.stop();
    },
  };
}

/**
 * The part of a console that one process runs once, however many screens look at it (`opsconsole
 * serve` gives each responder their own store for their view; see `sharedConsole.ts`).
 */
export function startSharedSession(options: Omit<ConsoleSessionOptions, 'exit'>): SharedSession {
  const store = createConsoleStore(options.environment);
  if (options.expected) store.setState({ expected: options.expected });
  const logs = new LogBuffer();
  // The session speaks to every screen (a served console has many; each keeps its own messages too).
  const say = (message: string) => announce(store.shared, message, undefined, store.getState().now);
  const repo = options.incidents ?? new IncidentRepository(options.stateDir, undefined, CONSOLE_LOCK_WAIT_MS);
  const logStore =
    options.logStore &&
    new LogStoreClient({
      path: options.logStore.path,
      workerScript: logStoreThreadScript(),
      limits: { budgetBytes: options.logStore.budgetBytes },
      onProblem: say,
    });
  let keptKey = '';
  // An open incident's signals are kept from eviction, from half an hour before it began.
  const keepActive = () => {
    const current = incident.current;
    if (!logStore || !current) return;
    const range = keptRangeOf(current);
    const key = `${range.incident}|${range.from}|${range.to}`;
    if (key !== keptKey) logStore.keep(range);
    keptKey = key;
  };
  const incident = new IncidentSession(repo, options.secrets, (active, timeline) => {
    store.setState((s) => ({ incident: { ...s.incident, active, timeline } }));
    keepActive();
  });
  const chat =
    options.notify && options.notify.length > 0
      ? startChatUpdates({
          incident,
          repo,
          secrets: options.secrets,
          store,
          stateDir: options.stateDir,
          environment: options.environment,
          targets: options.notify,
          ...(options.chatJoin && { join: options.chatJoin }),
          say,
        })
      : undefined;
  if (options.updateEvery) store.setState({ updateEvery: options.updateEvery });
  const stopReminders = startUpdateReminders({
    store,
    incident,
    say,
    ...(options.updateEvery && { every: options.updateEvery }),
  });
  const resumed = incident.resume();
  if (resumed) say(`resumed ${resumed.id} (${resumed.severity}, ${resumed.status})`);
  const triage = new TriageSession(
    store,
    options.playbooks,
    incident,
    options.triageEnvironment,
    (service, since) => ingest.rateSince(service, since, Date.now()),
    rulesFromThresholds(options.thresholds),
  );
  const recording = logStore && recordingSink(logStore, (event) => ingest.sink(event));
  const storeSearch = options.logStore && new StoreSearch(options.logStore.path, logStoreThreadScript());
  const search: HistorySearch | undefined =
    storeSearch && ((query, limit, end) => storeSearch.search(query, limit, end));
  const ingest = createIngest({
    store,
    logs,
    thresholds: options.thresholds,
    ...(logStore && { onLines: (records) => logStore.append(records) }),
    onNotable: (events) => {
      try {
        incident.observe(events);
      } catch (err) {
        say(`could not record: ${firstLineOf(err)}`);
      }
    },
  });
  ingest.start();
  // The store's account on screen once a second: how far back a search reaches, and any lines dropped.
  const storeAccount =
    logStore &&
    setInterval(() => {
      const c = logStore.snapshot();
      const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
      const prev = store.getState().logStore;
      if (prev?.stored === c.stored && prev.dropped === dropped && prev.oldest === c.oldest) return;
      store.setState({
        logStore: { stored: c.stored, dropped, ...(c.oldest !== undefined && { oldest: c.oldest }) },
      });
    }, 1000);
  storeAccount?.unref();
  // A linked alert that Alertmanager lets go has resolved: recorded once, when a fresh list lacks it.
  const stopWatchingAlerts = store.subscribe((state, previous) => {
    const alerts = state.alerts;
    if (!alerts || alerts === previous.alerts || alerts.unknown) return;
    try {
      incident.observeAlerts(alerts.list);
    } catch (err) {
      say(`could not record: ${firstLineOf(err)}`);
    }
  });
  // The data's account goes on the open incident's record when what it says changes (not its counts).
  let recordedDiagnosis = '';
  const stopRecordingDiagnosis = store.subscribe((state) => {
    const d = state.diagnosis;
    const active = state.incident.active;
    if (!d || !active || active.status === 'resolved') return;
    const key = `${active.id}|${diagnosisKey(d)}`;
    if (key === recordedDiagnosis) return;
    recordedDiagnosis = key;
    try {
      incident.recordDiagnosis(d);
    } catch (err) {
      say(`could not record: ${firstLineOf(err)}`);
    }
  });
  const stopSnapshots = startMetricsSnapshots(store, incident, options.thresholds.critical.above);
  // The first frame comes before the sources connect: the operator sees the console at once, and
  // the panes fill in as data arrives.
  const sourcesReady = options.startSources(recording?.sink ?? ingest.sink).catch((err: Error) => {
    say(`could not start the sources: ${err.message}`);
    return { stop: async () => {} };
  });
  return {
    store,
    logs,
    ingest,
    incident,
    triage,
    stateDir: options.stateDir,
    ...(options.alertmanager && { alertmanager: options.alertmanager }),
    ...(options.containers && { containers: options.containers }),
    ...(logStore && { logStore }),
    ...(search && { search }),
    chatPending: () => chat?.notifier.pendingCount() ?? 0,
    async stop() {
      clearInterval(storeAccount);
      // A message sent a moment ago is usually on its way: a few seconds to let it arrive.
      if (chat && chat.notifier.pendingCount() > 0)
        await Promise.race([chat.notifier.idle(), new Promise((r) => setTimeout(r, CHAT_GRACE_MS).unref())]);
      chat?.stop();
      stopReminders();
      stopSnapshots();
      stopWatchingAlerts();
      stopRecordingDiagnosis();
      triage.stop();
      incident.close();
      repo.close();
      await (await sourcesReady).stop();
      // After the sources, so their last lines are flushed into the store before it closes.
      ingest.stop();
      recording?.stop();
      await Promise.all([logStore?.close(), storeSearch?.close()]);
    },
  };
}
