import { alertGroups } from '../../store/selectors';
import type { Bindings, Controller, ControllerContext } from './controllerContext';

/** The alerts view: the environment's alerts from Alertmanager, grouped, most severe first. */
export function alertsController(ctx: ControllerContext) {
  const { store, ui, setUi, say } = ctx;
  const actions = {
    toggleAlerts: () => {
      if (ui().view === 'alerts') return setUi({ view: 'dashboard' });
      if (!store.getState().alerts)
        return say('no Alertmanager configured (alertmanager: { url } on the environment)');
      setUi({ view: 'alerts' });
    },
    toggleAlertDetail: () => setUi({ alertExpanded: !ui().alertExpanded }),
    /** Moves the selection in the alerts view by `delta` rows. */
    moveAlerts: (delta = 0) => {
      const count = alertGroups(store.getState()).rows.length;
      setUi({ alertCursor: Math.max(0, Math.min(count - 1, ui().alertCursor + delta)) });
    },
  };
  return { actions } satisfies Controller<typeof actions>;
}

/** The keys that reach these actions, by mode (`global`: every main view). */
export const ALERTS_BINDINGS: Bindings = {
  global: [{ keys: ['A'], action: 'toggleAlerts', description: 'alerts / dashboard' }],
};
