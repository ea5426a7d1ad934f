import { type MainView, PANE_QUERY, type PaneId } from '../../store/consoleStore';
import { containerRowsOf, serviceRows } from '../../store/paneRows';
import type { Controller, ControllerContext } from './controllerContext';

const PANES: PaneId[] = ['containers', 'rates', 'logs'];

/** How the shared movement keys reach the pane in view. */
export interface Scrolling {
  scrollLogs(delta: number): void;
  logsTop(): void;
  logsBottom(): void;
  moveTimeline(delta: number): void;
  pageRows(): number;
  showLogDetail(): void;
  /** Enter on a container row: its describe view. */
  describeContainer(): void;
  /** The views that are one selectable list (alerts, patterns): how to move in it and what Enter does. */
  lists: Partial<Record<MainView, { move(delta: number): void; activate(): void }>>;
}

/** Help, quitting, which pane has focus, and the movement keys every main view shares. */
export function focusController(ctx: ControllerContext, scrolling: Scrolling) {
  const { ui, setUi, incidentOpen, store } = ctx;
  const inTimeline = () => ui().view === 'timeline';
  /** Rows of the containers or error-rate pane, to keep its selection in range. */
  const paneLength = (pane: 'containers' | 'rates') => {
    const s = store.getState();
    return pane === 'containers'
      ? containerRowsOf(s).length
      : serviceRows(Object.values(s.signals), s.ui.serviceQuery).length;
  };
  const movePane = (pane: 'containers' | 'rates', to: (cursor: number) => number) => {
    const field = pane === 'containers' ? 'containerCursor' : 'serviceCursor';
    setUi({ [field]: Math.max(0, Math.min(paneLength(pane) - 1, to(ui()[field]))) });
  };
  /** The movement keys move what has focus: the timeline, a pane's selection, or the logs. */
  const scroll = (lines: number) => {
    const focus = ui().focus;
    const list = scrolling.lists[ui().view];
    if (list) list.move(lines);
    else if (inTimeline()) scrolling.moveTimeline(lines);
    else if (focus === 'logs') scrolling.scrollLogs(lines);
    else movePane(focus, (c) => c + lines);
  };
  const edge = (top: boolean) => {
    const focus = ui().focus;
    const list = scrolling.lists[ui().view];
    if (list) list.move(top ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);
    else if (inTimeline()) scrolling.moveTimeline(top ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);
    else if (focus !== 'logs') movePane(focus, () => (top ? 0 : Number.MAX_SAFE_INTEGER));
    else if (top) scrolling.logsTop();
    else scrolling.logsBottom();
  };
  const cycle = (step: number) =>
    setUi({ focus: PANES[(PANES.indexOf(ui().focus) + step + PANES.length) % PANES.length] as PaneId });

  const actions = {
    toggleHelp: () => {
      const { overlay, helpOfDescribe } = ui();
      if (overlay === 'help')
        return setUi({ overlay: helpOfDescribe ? 'container' : 'none', helpOfDescribe: false });
      setUi({ overlay: 'help', helpOfDescribe: overlay === 'container' });
    },
    quit: () => {
      // A replay's incident is not resumed by starting again: leaving it needs no second thought.
      if (incidentOpen() && !ctx.replay) setUi({ overlay: 'confirm-quit' });
      else ctx.exit();
    },
    confirmQuit: () => ctx.exit(),
    focusNext: () => cycle(1),
    focusPrevious: () => cycle(-1),
    focusContainers: () => setUi({ focus: 'containers', view: 'dashboard' }),
    focusRates: () => setUi({ focus: 'rates', view: 'dashboard' }),
    focusLogs: () => setUi({ focus: 'logs', view: 'dashboard' }),
    scrollUp: () => scroll(-1),
    scrollDown: () => scroll(1),
    pageUp: () => scroll(-scrolling.pageRows()),
    pageDown: () => scroll(scrolling.pageRows()),
    scrollTop: () => edge(true),
    scrollBottom: () => edge(false),
    /** Enter: the selected list row's action, the log line in detail, or fold a container group or workload. */
    activate: () => {
      const list = scrolling.lists[ui().view];
      if (list) return list.activate();
      if (ui().focus === 'logs') return scrolling.showLogDetail();
      if (ui().focus !== 'containers') return;
      const s = store.getState();
      const rows = containerRowsOf(s);
      const row = rows[Math.min(s.ui.containerCursor, rows.length - 1)];
      if (row?.kind === 'workload') {
        const open = s.ui.expandedWorkloads;
        return setUi({
          expandedWorkloads: open.includes(row.workload)
            ? open.filter((w) => w !== row.workload)
            : [...open, row.workload],
        });
      }
      if (row?.kind === 'container') return scrolling.describeContainer();
      if (row?.kind !== 'group') return;
      const folded = s.ui.collapsedGroups;
      setUi({
        collapsedGroups: folded.includes(row.label)
          ? folded.filter((g) => g !== row.label)
          : [...folded, row.label],
      });
    },
    /** `/`: filter the focused pane, live as it is typed. */
    openFilter: () => {
      const pane = ui().view === 'alerts' ? 'alerts' : ui().focus;
      const current = ui()[PANE_QUERY[pane]];
      ctx.openPrompt({
        purpose: 'filter',
        filterOf: pane,
        label:
          pane === 'logs'
            ? 'Filter logs (rid:ID level:warn src:api word -word /re/)'
            : pane === 'alerts'
              ? 'Filter alerts (words: name, label=value, state)'
              : `Filter ${pane === 'rates' ? 'services' : 'containers'} (words: name, host, state, version)`,
        value: current,
        carry: current,
      });
    },
  };

  return {
    actions,
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/focusBindings.ts`) name. */
export type FocusAction = keyof ReturnType<typeof focusController>['actions'];
