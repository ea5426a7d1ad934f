import { join } from 'node:path';
import type { Thresholds } from '../../config/schema';
import { IncidentRepository } from '../../incident/incidentRepository';
import { foldIncident, type IncidentState } from '../../incident/incidentState';
import { timelineOf } from '../../incident/timeline';
import { LogBuffer } from '../../logs/logBuffer';
import type { ActiveIncident } from '../../model/incident';
import type { NotableEvent } from '../../model/notableEvent';
import type { Recording } from '../../model/recording';
import type { Playbook } from '../../playbooks/schema';
import { type ConsoleStore, createConsoleStore } from '../../store/consoleStore';
import { createIngest, type Ingest } from '../../store/ingest';
import { visibleTimeline } from '../../store/selectors';
import { firstLineOf } from '../../userError';
import { type ConsoleControls, createConsoleControls } from '../consoleControls';
import type { ReplayControls } from '../controllers/controllerContext';
import { IncidentSession } from '../incidentSession';
import { isLooking } from '../roles';
import { TriageSession } from '../triageSession';
import { practiceEnvironment } from './practiceEnvironment';
import { REPLAY_STEP_MS, ReplayDriver, SPEEDS } from './replayDriver';
import { type SignalItem, signalItems } from './signalItems';

export interface ReplayOptions {
  recording: Recording;
  /** What is played, for the header: the incident id or the file. */
  source: string;
  thresholds: Thresholds;
  playbooks: Map<string, Playbook>;
  /** Where a practice incident is kept (`practice/` under it). */
  stateDir: string;
  secrets: string[];
  practice: boolean;
  start?: number;
  speed: number;
  paused: boolean;
}

/** The parts that are made anew when the replay goes back in time. */
interface Played {
  logs: LogBuffer;
  ingest: Ingest;
  driver: ReplayDriver;
  controls: ConsoleControls;
  notable: NotableEvent[];
}

export interface ReplaySession {
  store: ConsoleStore;
  /** The current log ring and controls (new ones after a seek back: `onRebuild` says so). */
  played(): Played;
  onRebuild(listener: () => void): void;
  /** The practice incident, in practice mode. */
  practiceIncident(): IncidentState | undefined;
  /** The real incident as the recording's journal has it, whole. */
  realIncident(): IncidentState | undefined;
  stop(): void;
}

/**
 * A console over a recording: the same store, ingest, rules, diagnosis and views as live, fed by a
 * `ReplayDriver` instead of sources. A replay acts on nothing: every action that is not looking is
 * refused. In practice mode the trainee's incident (declared, triaged, steps shown and never run)
 * goes into a practice state directory on the replay's clock, and the real record stays hidden.
 */
export function startReplaySession(o: ReplayOptions, exit: () => void): ReplaySession {
  const { header } = o.recording;
  const store = createConsoleStore(header.environment, header.from);
  const { items, unreadableLines, unreadableEvents } = signalItems(o.recording);
  const journal = [...o.recording.journal].sort((a, b) => a.seq - b.seq);
  const real = foldIncident(header.incident, journal);
  const writtenAt = journal.map((r) => Date.parse(r.ts));
  // The replay runs on to the journal's last record (an export after the resolution), the signals end earlier.
  const end = Math.max(header.to, ...writtenAt);
  let played: Played | undefined;
  const rebuildListeners: (() => void)[] = [];
  const clock = () => played?.driver.at ?? header.from;

  const practice = o.practice ? startPractice(o, store, clock) : undefined;

  /** The real incident's record as it stood at `at` (what was written by then). */
  let shownRecords = -1;
  const showJournal = (at: number) => {
    if (practice) return;
    let n = 0;
    while (n < journal.length && (writtenAt[n] as number) <= at) n++;
    if (n === shownRecords) return;
    shownRecords = n;
    const state = n > 0 ? foldIncident(header.incident, journal.slice(0, n)) : undefined;
    store.setState((s) => ({
      incident: { ...s.incident, active: state && activeOf(state), timeline: state ? timelineOf(state) : [] },
    }));
  };

  const controlsFor: ReplayControls = {
    togglePause: () => {
      const d = current().driver;
      if (d.state.ended) return seek(header.from, false);
      if (d.state.paused) d.play();
      else d.pause();
    },
    step: () => {
      const d = current().driver;
      d.pause();
      d.advanceTo(d.at + 1000);
    },
    speed: (direction) => {
      const d = current().driver;
      const i = SPEEDS.indexOf(d.state.speed as (typeof SPEEDS)[number]);
      const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 0 : i) + direction))];
      if (next !== undefined) d.setSpeed(next);
    },
    seekEntry: (direction) => {
      if (practice) return say('practice hides what comes: the clock only runs forward');
      const now = clock();
      const entries = entryTimes();
      const entry =
        direction > 0
          ? entries.find((e) => e.written > now)
          : entries.filter((e) => e.written < now - REPLAY_STEP_MS).at(-1);
      if (!entry) return say(direction > 0 ? 'no later entry' : 'no earlier entry');
      seek(entry.written, true);
      // The timeline's cursor goes to the entry, so the pane shows it however long the list.
      const cursor = visibleTimeline(store.getState()).findIndex((e) => e.seq === entry.seq);
      if (cursor >= 0) store.setState((s) => ({ ui: { ...s.ui, timelineCursor: cursor } }));
      say(`entry ${entry.index} of ${entries.length}: ${entry.text}`);
    },
  };
  /** The entries the timeline shows (not the snapshots it keeps for the draft), when each was written. */
  const entryTimes = () => {
    const rows = real ? timelineOf(real) : [];
    const written = new Map(journal.map((r) => [r.seq, Date.parse(r.ts)]));
    return rows
      .map((e) => ({ seq: e.seq, written: Math.min(written.get(e.seq) ?? e.at, end), text: e.text }))
      .sort((a, b) => a.written - b.written)
      .map((e, i) => ({ ...e, index: i + 1 }));
  };
  const say = (message: string) => store.setState((s) => ({ ui: { ...s.ui, message, messageAt: s.now } }));

  const build = (): Played => {
    const logs = new LogBuffer();
    const notable: NotableEvent[] = [];
    const ingest = createIngest({
      store,
      logs,
      thresholds: o.thresholds,
      openedAt: header.from,
      onNotable: (events) => {
        notable.push(...events);
        try {
          practice?.incident.observe(events);
        } catch (err) {
          say(`could not record: ${firstLineOf(err)}`);
        }
      },
    });
    const driver = new ReplayDriver(
      items,
      ingest,
      store,
      {
        source: o.source,
        from: header.from,
        to: end,
        at: header.from,
        speed: played?.driver.state.speed ?? o.speed,
        paused: true,
        ended: false,
        practice: o.practice,
        ...(o.recording.damage && { damage: o.recording.damage }),
      },
      showJournal,
    );
    const controls = createConsoleControls({
      store,
      logs,
      exit,
      replay: controlsFor,
      ...(practice && { incident: practice.incident, triage: practice.triage }),
      refusal: (action) =>
        practice || isLooking(action)
          ? undefined
          : 'a replay only plays back what was recorded: press q to leave it, or replay with --practice to act',
    });
    return { logs, ingest, driver, controls, notable };
  };
  const current = (): Played => {
    played ??= build();
    return played;
  };

  /** Goes to `target`: forward on the same ingest, back by playing a new one from the start. */
  const seek = (target: number, keepPaused: boolean) => {
    const was = current().driver.state;
    if (target < was.at) {
      current().driver.stop();
      current().controls.stop();
      const view = store.view.getState();
      store.shared.setState(createConsoleStore(header.environment, header.from).shared.getState(), true);
      store.view.setState(view, true);
      shownRecords = -1;
      played = undefined;
      current();
      for (const l of rebuildListeners) l();
    }
    current().driver.advanceTo(target);
    if (!keepPaused && !was.paused) current().driver.play();
  };

  current();
  const left = [
    ...(unreadableLines > 0 ? [`${unreadableLines} log lines`] : []),
    ...(unreadableEvents > 0 ? [`${unreadableEvents} events`] : []),
    ...(o.recording.unreadableRecords ? [`${o.recording.unreadableRecords} journal records`] : []),
  ];
  if (left.length > 0) say(`${left.join(' and ')} of the recording could not be read and are left out`);
  if (o.recording.damage) say(`this recording is ${o.recording.damage}`);
  // By default from the first signal or record: a console opened minutes before the incident has
  // nothing to show for the rest of the half hour before it.
  const first = Math.min(items[0]?.t ?? end, writtenAt[0] ?? end) - 1000;
  current().driver.advanceTo(Math.max(header.from, Math.min(o.start ?? first, end)));
  if (!o.paused) current().driver.play();
  return {
    store,
    played: current,
    onRebuild: (l) => rebuildListeners.push(l),
    practiceIncident: () => practice?.incident.current,
    realIncident: () => real,
    stop() {
      current().driver.stop();
      current().controls.stop();
      practice?.triage.stop();
      practice?.incident.close();
    },
  };
}

function activeOf(s: IncidentState): ActiveIncident {
  return { id: s.id, title: s.title, severity: s.severity, status: s.status, commander: s.commander };
}

/** The trainee's own incident and triage, on the replay's clock, in a practice state directory. */
function startPractice(o: ReplayOptions, store: ConsoleStore, clock: () => number) {
  const dir = join(o.stateDir, 'practice', `${o.recording.header.incident}-${Date.now()}`);
  const repo = new IncidentRepository(dir, undefined, 250, clock);
  const incident = new IncidentSession(repo, o.secrets, (active, timeline) =>
    store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
  );
  const triage = new TriageSession(store, o.playbooks, incident, practiceEnvironment());
  return { dir, incident, triage };
}

export type { SignalItem };
