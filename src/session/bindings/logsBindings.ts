import type { Bindings } from '../../model/keys';
import type { LogsAction } from '../controllers/logsController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const LOGS_BINDINGS: Bindings<LogsAction> = {
  dashboard: [
    { keys: ['f'], action: 'toggleFollow', description: 'logs: follow/pause' },
    { keys: ['E'], action: 'toggleErrors', description: 'logs: errors+warnings only' },
    { keys: ['r'], action: 'pivotRequestId', description: "logs: follow line's request" },
    { keys: ['escape'], action: 'clearFilter', description: 'logs: clear the filter' },
    { keys: ['w'], action: 'toggleWrap', description: 'logs: wrap long lines' },
    { keys: ['@'], action: 'jumpToTime', description: 'logs: jump to a time' },
  ],
};
