import type { Bindings } from '../../model/keys';
import type { IncidentAction } from '../controllers/incidentController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const INCIDENT_BINDINGS: Bindings<IncidentAction> = {
  global: [
    { keys: ['t'], action: 'toggleTimeline', description: 'timeline / dashboard' },
    { keys: ['D'], action: 'declareIncident', description: 'declare an incident' },
    { keys: ['n', 'N'], action: 'addNote', description: 'add a note' },
    { keys: ['S'], action: 'changeStatus', description: 'incident status' },
    { keys: ['V'], action: 'changeSeverity', description: 'incident severity' },
    { keys: ['H'], action: 'handOver', description: 'hand over command' },
    { keys: ['e'], action: 'exportDraft', description: 'export post-mortem' },
  ],
  dashboard: [{ keys: ['p'], action: 'pinLogLine', description: 'logs: pin bottom line' }],
  timeline: [
    { keys: ['return'], action: 'showTimelineEntry', description: 't: the event in full' },
    { keys: ['*'], action: 'toggleStar', description: 't: star event' },
    { keys: ['a'], action: 'markActionItem', description: 't: note → action item' },
    { keys: ['F'], action: 'cycleTimelineFilter', description: 't: filter by kind' },
  ],
};
