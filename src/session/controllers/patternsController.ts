import { PATTERN_MODES } from '../../store/consoleStore';
import { visiblePatterns } from '../../store/patternRows';
import type { Controller, ControllerContext } from './controllerContext';

/**
 * The patterns view: the templates mined from every log stream, new since the release, spiking, or
 * all. Enter shows the selected template's lines in the logs; `r` follows its sample's request.
 */
export function patternsController(ctx: ControllerContext) {
  const { store, ui, setUi, say } = ctx;
  const view = () => visiblePatterns(ctx.logs.patterns, store.getState());
  const showLogs = (query: string, what: string) => {
    setUi({ view: 'dashboard', focus: 'logs', logQuery: query, followLogs: true });
    say(`logs: ${what} (Esc in the logs clears the filter)`);
  };
  const actions = {
    togglePatterns: () => setUi({ view: ui().view === 'patterns' ? 'dashboard' : 'patterns' }),
    /** Moves the selection in the patterns view by `delta` rows. */
    movePatterns: (delta = 0) => {
      const count = view().rows.length;
      setUi({ patternCursor: Math.max(0, Math.min(count - 1, ui().patternCursor + delta)) });
    },
    cyclePatternMode: () => {
      const next = PATTERN_MODES[(PATTERN_MODES.indexOf(ui().patternMode) + 1) % PATTERN_MODES.length];
      setUi({ patternMode: next, patternCursor: 0 });
    },
    showPatternLines: () => {
      const row = view().selected;
      if (row) showLogs(`pat:${row.key}`, `the lines of "${row.template.slice(0, 40)}"`);
    },
    followPatternRequest: () => {
      const row = view().selected;
      if (!row) return;
      if (!row.sampleRequestId) return say('its lines carry no request id');
      showLogs(`rid:${row.sampleRequestId}`, `request ${row.sampleRequestId} across every service`);
    },
  };
  return { actions } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/patternsBindings.ts`) name. */
export type PatternsAction = keyof ReturnType<typeof patternsController>['actions'];
