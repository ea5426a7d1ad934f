import type { Environment } from '../config/schema';
import type { ContainerEngines } from '../model/containerDetail';
import { describeDockerContainer, dockerEngineTarget } from '../sources/dockerActions';
import { containerLogTail } from '../sources/dockerProbe';
import { dockerDialer } from '../sources/serviceLogs';
import type { EnvironmentHosts } from '../transport/environmentHosts';

/**
 * The environment's Docker engines for the describe view and its actions, over the links the
 * sources opened (`hosts` exists once they have started).
 */
export function dockerEngines(env: Environment, hosts: () => EnvironmentHosts | undefined): ContainerEngines {
  const dialer = (host: string) => {
    const links = hosts();
    return links && env.hosts[host]?.docker ? dockerDialer(env, links, host) : undefined;
  };
  return {
    describe: async (host, name) => {
      const d = dialer(host);
      if (!d) throw new Error(`${host} has no Docker engine this console watches`);
      return describeDockerContainer(host, d, name);
    },
    logs: async (host, name, tail) => {
      const d = dialer(host);
      if (!d) throw new Error(`${host} has no Docker engine this console watches`);
      return containerLogTail(d, name, tail);
    },
    target: (host) => {
      const d = dialer(host);
      return d && dockerEngineTarget(host, d);
    },
  };
}
