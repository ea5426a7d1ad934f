import type { LogBuffer } from '../logs/logBuffer';
import type { ConsoleStore, PaneId } from './consoleStore';

/** What the actions need from the program around the store. */
export interface ActionHost {
  exit(): void;
  /** Rows of the log pane, for page-wise scrolling. */
  logPageSize(): number;
}

const PANES: PaneId[] = ['containers', 'rates', 'logs'];

/**
 * Every operator action by name. The keymap maps keys to these names, so input handling and the
 * help overlay are driven by one table and cannot disagree.
 */
export function createActions(store: ConsoleStore, logs: LogBuffer, host: ActionHost) {
  const ui = () => store.getState().ui;
  const setUi = (patch: Partial<ReturnType<typeof ui>>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
  const newestSeq = () => logs.ring.at(logs.ring.size - 1)?.seq ?? 0;
  const oldestSeq = () => logs.ring.at(0)?.seq ?? 0;

  /** Moves the bottom of the paused log view by `delta` lines (negative is back in time). */
  const scrollLogs = (delta: number) => {
    const { followLogs, logAnchor } = ui();
    const anchor = followLogs || logAnchor === undefined ? newestSeq() : logAnchor;
    const next = Math.min(newestSeq(), Math.max(oldestSeq(), anchor + delta));
    if (next >= newestSeq() && delta > 0) setUi({ followLogs: true, logAnchor: undefined });
    else setUi({ followLogs: false, logAnchor: next });
  };

  return {
    toggleHelp: () => setUi({ overlay: ui().overlay === 'help' ? 'none' : 'help' }),
    closeOverlay: () => setUi({ overlay: 'none' }),
    quit: () => {
      if (store.getState().incident.active) setUi({ overlay: 'confirm-quit' });
      else host.exit();
    },
    confirmQuit: () => host.exit(),
    focusNext: () => setUi({ focus: PANES[(PANES.indexOf(ui().focus) + 1) % PANES.length] as PaneId }),
    focusPrevious: () =>
      setUi({ focus: PANES[(PANES.indexOf(ui().focus) + PANES.length - 1) % PANES.length] as PaneId }),
    focusContainers: () => setUi({ focus: 'containers' }),
    focusRates: () => setUi({ focus: 'rates' }),
    focusLogs: () => setUi({ focus: 'logs' }),
    toggleFollow: () => {
      if (ui().followLogs) setUi({ followLogs: false, logAnchor: newestSeq() });
      else setUi({ followLogs: true, logAnchor: undefined });
    },
    scrollUp: () => scrollLogs(-1),
    scrollDown: () => scrollLogs(1),
    pageUp: () => scrollLogs(-host.logPageSize()),
    pageDown: () => scrollLogs(host.logPageSize()),
    scrollTop: () =>
      setUi({ followLogs: false, logAnchor: Math.min(newestSeq(), oldestSeq() + host.logPageSize() - 1) }),
    scrollBottom: () => setUi({ followLogs: true, logAnchor: undefined }),
  };
}

export type Actions = ReturnType<typeof createActions>;
export type ActionName = keyof Actions;
