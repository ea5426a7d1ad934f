import type { Bindings } from '../../model/keys';
import type { UpdatesAction } from '../controllers/updatesController';

/** Telling stakeholders: an update, prefilled from the incident. */
export const UPDATES_BINDINGS: Bindings<UpdatesAction> = {
  global: [{ keys: ['u'], action: 'composeUpdate', description: 'stakeholder update (prefilled)' }],
};
