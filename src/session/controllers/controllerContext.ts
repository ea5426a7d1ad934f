import type { LogBuffer } from '../../logs/logBuffer';
import type { ContainerEngines } from '../../model/containerDetail';
import { type ConsoleState, type ConsoleStore, type Prompt, withMessage } from '../../store/consoleStore';
import { firstLineOf } from '../../userError';
import type { SilenceApi } from '../alertSilencing';
import type { IncidentSession } from '../incidentSession';
import type { HistorySearch } from '../logHistory';
import type { TriageSession } from '../triageSession';

/** What the controllers act on: the store, the log ring, and the services of the session. */
export interface ConsoleServices {
  store: ConsoleStore;
  logs: LogBuffer;
  exit(): void;
  /** The incident journal; absent in views rendered without one (tests of layout). */
  incident?: IncidentSession;
  triage?: TriageSession;
  stateDir?: string;
  /** The environment's Alertmanager, when it has one: for silences, and its severity map. */
  alertmanager?: { api: SilenceApi; severities?: Record<string, string> };
  /** On a shared console: why this screen's person may not run an action (see `roles.ts`). */
  refusal?: (action: string) => string | undefined;
  /** On a shared console: who may be handed the commander role (connected, not viewers). */
  commanderCandidates?: () => string[];
  /** The log store's search, when the console keeps one: filters reach back past the ring. */
  search?: HistorySearch;
  /** The Docker engines the console watches: describe a container, act on it. */
  containers?: ContainerEngines;
  /** A replay's clock, which its keys move (absent on a live console). */
  replay?: ReplayControls;
}

/** What a replay's keys do (see `session/replay/replaySession.ts`). */
export interface ReplayControls {
  togglePause(): void;
  /** One second on, and paused. */
  step(): void;
  /** Faster (+1) or slower (-1). */
  speed(direction: 1 | -1): void;
  /** To the next or the previous entry of the timeline. */
  seekEntry(direction: 1 | -1): void;
}

export type PromptPurpose = Prompt['purpose'];

/**
 * A controller in the lazygit sense: a set of named actions and the prompts it answers; its module
 * key bindings that reach them are data in `../bindings/`, which the one keymap joins.
 */
export interface Controller<A extends Record<string, (...args: never[]) => unknown>> {
  actions: A;
  prompts?: Partial<Record<PromptPurpose, (value: string, prompt: Prompt) => void>>;
}

/** The small vocabulary every controller uses on the store. */
export function controllerContext(services: ConsoleServices) {
  const { store } = services;
  const ui = () => store.getState().ui;
  const setUi = (patch: Partial<ConsoleState['ui']>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
  const say = (message: string) => store.setState((s) => withMessage(s, message));
  const incidentOpen = () => {
    const a = store.getState().incident.active;
    return a !== undefined && a.status !== 'resolved';
  };
  return {
    ...services,
    ui,
    setUi,
    say,
    incidentOpen,
    openPrompt: (prompt: Prompt) => setUi({ overlay: 'prompt', prompt }),
    /** The incident session when one is open, else a hint on the status line. */
    needIncident: (what: string): IncidentSession | undefined => {
      if (!services.incident) return undefined;
      if (!incidentOpen()) {
        say(`no open incident: press D to declare one before you ${what}`);
        return undefined;
      }
      return services.incident;
    },
    /** Runs a journal write; a failure (disk full, permissions) is shown, never swallowed. */
    journaled: (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        say(`could not record ${what}: ${firstLineOf(err)}`);
      }
    },
  };
}

export type ControllerContext = ReturnType<typeof controllerContext>;
