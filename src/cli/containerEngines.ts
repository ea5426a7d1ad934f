import type { Environment } from '../config/schema';
import type { ContainerEngines } from '../model/containerDetail';
import { describeDockerContainer, dockerEngineTarget } from '../sources/dockerActions';
import { containerLogTail } from '../sources/dockerProbe';
import { kubernetesDescriber } from '../sources/kubernetesDescribe';
import { kubernetesTarget } from '../sources/kubernetesWorkloadActions';
import { dockerDialer } from '../sources/serviceLogs';
import type { EnvironmentHosts } from '../transport/environmentHosts';

/**
 * The environment's Docker engines for the describe view and its actions, over the links the
 * sources opened (`hosts` exists once they have started), and its cluster through its kubeconfig.
 */
export function containerEngines(
  env: Environment,
  hosts: () => EnvironmentHosts | undefined,
): ContainerEngines {
  const dialer = (host: string) => {
    const links = hosts();
    return links && env.hosts[host]?.docker ? dockerDialer(env, links, host) : undefined;
  };
  const cluster = env.kubernetes && {
    ...(env.kubernetes.kubeconfig && { kubeconfig: env.kubernetes.kubeconfig }),
    ...(env.kubernetes.context && { context: env.kubernetes.context }),
  };
  return {
    ...(cluster && { kubernetes: { ...kubernetesDescriber(cluster), target: kubernetesTarget(cluster) } }),
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
    commandTarget: (host) => hosts()?.commandTarget(host),
    target: (host) => {
      const d = dialer(host);
      return d && dockerEngineTarget(host, d);
    },
  };
}
