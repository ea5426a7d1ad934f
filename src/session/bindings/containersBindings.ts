import type { Bindings } from '../../model/keys';
import type { ContainersAction } from '../controllers/containersController';

/** The describe view's keys: what can be done to the container, pod or workload it shows. */
export const CONTAINERS_BINDINGS: Bindings<ContainersAction> = {
  dashboard: [{ keys: ['d'], action: 'describeSelectedContainer', description: 'describe the selected row' }],
  container: [
    { keys: ['escape', 'q'], action: 'closeContainer', description: 'close the container' },
    { keys: ['R'], action: 'restartContainer', description: 'restart it (type its name)' },
    { keys: ['A'], action: 'restartService', description: 'restart its whole compose service' },
    { keys: ['S'], action: 'stopContainer', description: 'stop a container (type its name)' },
    { keys: ['U'], action: 'startContainer', description: 'start a container' },
    { keys: ['D'], action: 'deletePod', description: 'delete a pod (type its name)' },
    { keys: ['s'], action: 'scaleWorkload', description: 'scale a workload' },
    { keys: ['l'], action: 'toggleContainerLogs', description: 'its own logs / its detail' },
    { keys: ['/'], action: 'filterContainerLogs', description: 'filter its own logs' },
    { keys: ['j', 'down'], action: 'scrollContainerDown', description: 'scroll' },
    { keys: ['k', 'up'], action: 'scrollContainerUp', description: 'scroll back' },
    { keys: ['ctrl+f', 'pagedown'], action: 'pageContainerDown', description: 'page' },
    { keys: ['ctrl+b', 'pageup'], action: 'pageContainerUp', description: 'page back' },
    { keys: ['ctrl+c'], action: 'closeContainer', description: 'close the container' },
  ],
};
