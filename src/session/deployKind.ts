import type { DeployOrigin } from '../model/deployKind';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';
import { ParameterError, validateParameter } from '../playbooks/parameters';
import type { Playbook } from '../playbooks/schema';
import type { ConsoleState } from '../store/consoleStore';
import { releaseEvents } from '../store/selectors';

/** The service's containers, the running ones first. */
function containersOf(state: ConsoleState, service: string): ContainerStatus[] {
  return Object.values(state.containers)
    .filter((c) => serviceOf(c) === service)
    .sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running'));
}

/**
 * How the service is deployed as far as the sources can tell: a container's compose labels or pm2,
 * else a Deployment the cluster watch knows. Undefined when nothing says (the triage then asks).
 */
export function deployFromSources(state: ConsoleState, service: string): DeployOrigin | undefined {
  const seen = containersOf(state, service).find((c) => c.deployedBy)?.deployedBy;
  if (seen) return seen;
  const workload = Object.values(state.workloads).find((w) => w.name === service);
  if (workload?.kind !== 'Deployment') return undefined;
  return {
    kind: 'kubernetes',
    evidence: `Deployment ${workload.namespace}/${workload.name} in the cluster watch`,
    params: { namespace: workload.namespace, context: workload.cluster },
  };
}

/**
 * What a rollback goes from and to, in the images themselves: the image the running container names
 * (the tag its compose file uses) and the image id the release before ran, from the releases seen.
 */
export function rollbackImages(state: ConsoleState, service: string): Record<string, string> {
  const running = containersOf(state, service)[0];
  const previous = releaseEvents(state).findLast((e) => e.data.service === service)?.data.fromImageId;
  return {
    ...(running?.image && { currentImage: running.image }),
    ...(previous && { previousImageId: previous }),
  };
}

/**
 * Values that came from the data, kept only where the playbook's parameter accepts them: a label
 * is its author's text, and one that does not fit is asked for instead of passed on.
 */
export function acceptedValues(playbook: Playbook, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter(([name, value]) => {
      const spec = playbook.parameters[name];
      if (!spec) return false;
      try {
        validateParameter(name, spec, value);
        return true;
      } catch (err) {
        if (err instanceof ParameterError) return false;
        throw err;
      }
    }),
  );
}
