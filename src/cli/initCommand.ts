import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../files/privateFiles';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';
import { listContainers, localDockerSocket, probeDocker } from '../sources/dockerProbe';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stderr } from './output';

/** A service name the config accepts, kept as the logs and rates name it where it can be. */
function configName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'service';
}

/** The commented configuration for what was discovered; `check` accepts it as it is. */
export function configFromDiscovery(socket: string, containers: ContainerStatus[]): string {
  const services: Record<string, { container: string }> = {};
  for (const c of [...containers].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = configName(serviceOf(c));
    services[name] ??= { container: c.name };
  }
  const config = {
    defaultEnvironment: 'local',
    environments: {
      local: {
        hosts: { local: { docker: true, dockerSocket: socket, followContainerLogs: true } },
        services,
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
    '#   deploy: { kind: compose, params: { ... } }                               the rollback variant',
    '# More hosts: hosts.NAME: { ssh: user@host, docker: true } and service.host: NAME.',
    '# followContainerLogs follows every container on the host, under its compose service.',
    '',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Write a configuration from what this machine has (its Docker engine, containers, services).',
  usage: 'opsconsole init [--out PATH] [--force] [--docker SOCKET]',
  details: [
    'Writes ./opsconsole.yaml (or --out PATH), commented, which `opsconsole check` accepts as it is.',
    'An existing file is never replaced without --force.',
  ],
  options: { out: { type: 'string' }, force: { type: 'boolean' }, docker: { type: 'string' } },
  allowPositionals: false,
  async run({ values }) {
    const path = resolve(typeof values.out === 'string' ? values.out : 'opsconsole.yaml');
    if (existsSync(path) && values.force !== true)
      throw new UserError(
        `opsconsole: ${path} exists; nothing written.\n  fix: pass --force to replace it, or --out PATH.`,
      );
    const socket = typeof values.docker === 'string' ? values.docker : localDockerSocket();
    const probe = await probeDocker(socket);
    if (!probe.ok)
      throw new UserError(
        `opsconsole: init found nothing to describe: no Docker engine at ${socket} (${probe.reason}).\n  fix: pass --docker SOCKET, or write the configuration by hand (README "Configuration").`,
        1,
      );
    const containers = await listContainers(socket);
    writeFileAtomic(path, configFromDiscovery(socket, containers));
    const services = new Set(containers.map(serviceOf)).size;
    stderr.line(
      `wrote ${path}: the Docker engine at ${socket}, ${containers.length} containers, ${services} services. Check it with: opsconsole check --config ${path}`,
    );
    return 0;
  },
};
