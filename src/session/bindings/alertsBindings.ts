import type { Bindings } from '../../model/keys';
import type { AlertsAction } from '../controllers/alertsController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const ALERTS_BINDINGS: Bindings<AlertsAction> = {
  global: [{ keys: ['A'], action: 'toggleAlerts', description: 'alerts / dashboard' }],
  alerts: [{ keys: ['s'], action: 'silenceAlert', description: 'A: silence selected alerts' }],
};
