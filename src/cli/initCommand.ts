import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../files/privateFiles';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';
import { listContainers, localDockerSocket, probeDocker } from '../sources/dockerProbe';
import { type DiscoveredService, discoverPrometheusServices } from '../sources/prometheusDiscovery';
import { UserError } from '../userError';
import { alertingFromPrometheus } from './alertingDiscovery';
import type { Command } from './commands';
import { stderr } from './output';

/** A service name the config accepts, kept as the logs and rates name it where it can be. */
function configName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'service';
}

/** What a Prometheus showed: its services' request counters, and its alerting. */
export interface PrometheusFindings {
  url: string;
  services: DiscoveredService[];
  alerting: Awaited<ReturnType<typeof alertingFromPrometheus>>;
}

/** The commented configuration for what was discovered; `check` accepts it as it is. */
export function configFromDiscovery(
  socket: string | undefined,
  containers: ContainerStatus[],
  prometheus?: PrometheusFindings,
): string {
  const services: Record<string, Record<string, unknown>> = {};
  for (const c of [...containers].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = configName(serviceOf(c));
    // The deploy kind the container shows (compose's labels), so the rollback runs its own steps.
    const deploy = c.deployedBy &&
      c.deployedBy.kind !== 'demo' && { kind: c.deployedBy.kind, params: c.deployedBy.params };
    services[name] ??= { container: c.name, ...(deploy && { deploy }) };
  }
  for (const s of prometheus?.services ?? [])
    services[s.name] = {
      ...services[s.name],
      metrics: { prometheus: prometheus?.url, metric: s.metric, selector: s.selector },
    };
  const config = {
    defaultEnvironment: 'local',
    environments: {
      local: {
        ...(socket && {
          hosts: { local: { docker: true, dockerSocket: socket, followContainerLogs: true } },
        }),
        services,
        ...prometheus?.alerting,
      },
    },
  };
  return [
    '# opsconsole configuration, written by `opsconsole init` from what it found on this machine.',
    '# `opsconsole check` validates it; the README ("Configuration") documents every field.',
    '#',
    '# What to add next, per service (see the README for each):',
    '#   metrics: { prometheus: http://prometheus:9090, selector: \'job="api"\' }  5xx ratio and p95',
    '#   health: [http://api:8080/health]                                         health checks',
    '#   deploy: { kind: compose, params: { ... } }   the rollback variant (written when compose labels show it)',
    '# More hosts: hosts.NAME: { ssh: user@host, docker: true } and service.host: NAME.',
    '# followContainerLogs follows every container on the host, under its compose service.',
    '',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Write a configuration from what this machine has (its Docker engine, containers, services).',
  usage: 'opsconsole init [--out PATH] [--force] [--docker SOCKET] [--prometheus URL]',
  details: [
    'Writes ./opsconsole.yaml (or --out PATH), commented, which `opsconsole check` accepts as it is.',
    'An existing file is never replaced without --force. With --prometheus, the services its request',
    'counters name get their metrics from it, and its alerting rules and the Alertmanager it sends',
    'to (when it names one) are configured too.',
  ],
  options: {
    out: { type: 'string' },
    force: { type: 'boolean' },
    docker: { type: 'string' },
    prometheus: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }) {
    const path = resolve(typeof values.out === 'string' ? values.out : 'opsconsole.yaml');
    if (existsSync(path) && values.force !== true)
      throw new UserError(
        `opsconsole: ${path} exists; nothing written.\n  fix: pass --force to replace it, or --out PATH.`,
      );
    const socket = typeof values.docker === 'string' ? values.docker : localDockerSocket();
    const promUrl = typeof values.prometheus === 'string' ? values.prometheus : undefined;
    const probe = await probeDocker(socket);
    if (!probe.ok && !promUrl)
      throw new UserError(
        `opsconsole: init found nothing to describe: no Docker engine at ${socket} (${probe.reason}).\n  fix: pass --docker SOCKET or --prometheus URL, or write the configuration by hand (README "Configuration").`,
        1,
      );
    const containers = probe.ok ? await listContainers(socket) : [];
    let prometheus: PrometheusFindings | undefined;
    if (promUrl) {
      try {
        prometheus = {
          url: promUrl,
          services: await discoverPrometheusServices(promUrl),
          alerting: await alertingFromPrometheus(promUrl),
        };
      } catch (err) {
        throw new UserError(`opsconsole: init: --prometheus ${promUrl}: ${(err as Error).message}`, 1);
      }
    }
    writeFileAtomic(path, configFromDiscovery(probe.ok ? socket : undefined, containers, prometheus));
    const services = new Set(containers.map(serviceOf)).size;
    const found = [
      probe.ok && `the Docker engine at ${socket}, ${containers.length} containers, ${services} services`,
      prometheus &&
        `Prometheus at ${promUrl}, ${prometheus.services.length} services, its alerting rules${prometheus.alerting.alertmanager ? ` and the Alertmanager at ${prometheus.alerting.alertmanager.url}` : ''}`,
    ].filter(Boolean);
    stderr.line(`wrote ${path}: ${found.join('; ')}. Check it with: opsconsole check --config ${path}`);
    return 0;
  },
};
