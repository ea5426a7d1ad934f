import type { Bindings } from '../../model/keys';
import type { ContainersAction } from '../controllers/containersController';

/** The describe view's keys: what can be done to the container it shows. */
export const CONTAINERS_BINDINGS: Bindings<ContainersAction> = {
  container: [
    { keys: ['escape', 'q'], action: 'closeContainer', description: 'close the container' },
    { keys: ['R'], action: 'restartContainer', description: 'restart it (type its name)' },
    { keys: ['S'], action: 'stopContainer', description: 'stop it (type its name)' },
    { keys: ['U'], action: 'startContainer', description: 'start it' },
    { keys: ['l'], action: 'toggleContainerLogs', description: 'its own logs / its detail' },
    { keys: ['ctrl+c'], action: 'closeContainer', description: 'close the container' },
  ],
};
