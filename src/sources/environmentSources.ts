import type { Environment } from '../config/schema';
import type { EventSink } from '../model/sourceEvents';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { UserError } from '../userError';
import { alertmanagerSource } from './alertmanagerSource';
import { commandStatusSource } from './commandStatusSource';
import { followEveryContainer } from './containerLogFollower';
import { DockerLogSource } from './dockerLogSource';
import { type DockerDialer, DockerSource } from './dockerSource';
import { FileFollower } from './fileFollower';
import { healthCheckSource } from './healthCheckSource';
import { kubernetesSource } from './kubernetesSource';
import { metricsScrapeSource } from './metricsScrapeSource';
import type { Poller } from './poller';
import { prometheusRulesSource } from './prometheusAlerts';
import { prometheusSource } from './prometheusSource';
import { journaldArgv, journaldCursor, StreamingLogSource } from './streamingLogSource';

/** Authorization for an HTTP API (Prometheus, Alertmanager) from the environment variables the config names. */
export function authHeaders(
  auth: { bearerTokenEnv: string } | { username: string; passwordEnv: string } | undefined,
  what = 'Prometheus',
  env = process.env,
): Record<string, string> {
  if (!auth) return {};
  if ('bearerTokenEnv' in auth) {
    const token = env[auth.bearerTokenEnv];
    if (!token)
      throw new UserError(
        `opsconsole: environment variable ${auth.bearerTokenEnv} (the ${what} bearer token) is not set`,
      );
    return { authorization: `Bearer ${token}` };
  }
  const password = env[auth.passwordEnv];
  if (password === undefined)
    throw new UserError(
      `opsconsole: environment variable ${auth.passwordEnv} (the ${what} password) is not set`,
    );
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}` };
}

export interface RunningSources {
  stop(): Promise<void>;
}

/** Starts the sources an environment's config describes. */
export function startEnvironmentSources(
  env: Environment,
  sink: EventSink,
  hosts = new EnvironmentHosts(env, sink),
): RunningSources {
  const pollers: Poller[] = [];
  const dockers: { start(): void; stop(): void }[] = [];
  const dialerFor = (name: string): DockerDialer => {
    const socket = env.hosts[name]?.dockerSocket ?? '/var/run/docker.sock';
    return hosts.isRemote(name)
      ? { openStream: () => hosts.ssh(name).openUnixSocket(socket) }
      : { socketPath: socket };
  };
  for (const [name, host] of Object.entries(env.hosts)) {
    if (!host.docker) continue;
    const dialer = dialerFor(name);
    if (host.followContainerLogs) {
      const every = followEveryContainer(dialer, sink);
      const source = new DockerSource(name, dialer, every.sink);
      dockers.push({
        start: () => source.start(),
        stop: () => {
          source.stop();
          every.stop();
        },
      });
    } else dockers.push(new DockerSource(name, dialer, sink));
  }
  for (const d of dockers) d.start();
  const followers: { start(): void; stop(): void }[] = [];
  for (const [service, cfg] of Object.entries(env.services)) {
    for (const log of cfg.logs) {
      const hostName = log.host ?? cfg.host;
      const remote = hosts.isRemote(hostName);
      const target = hosts.commandTarget(hostName);
      const fields = log.fields;
      const common = { source: service, target, ...(fields && { fields }) };
      if ('file' in log && !remote)
        followers.push(new FileFollower(log.file, service, sink, fields ? { fields } : {}));
      else if ('file' in log)
        followers.push(
          new StreamingLogSource({ ...common, argvFor: () => ['tail', '-n', '100', '-F', log.file] }, sink),
        );
      else if ('docker' in log)
        followers.push(new DockerLogSource(log.docker, service, dialerFor(hostName), sink, fields));
      else if ('journald' in log)
        followers.push(
          new StreamingLogSource(
            { ...common, argvFor: journaldArgv(log.journald), resumePoint: journaldCursor },
            sink,
          ),
        );
      else followers.push(new StreamingLogSource({ ...common, argvFor: () => log.command }, sink));
    }
  }
  for (const f of followers) f.start();
  for (const [name, host] of Object.entries(env.hosts)) {
    for (const sc of host.statusCommands) {
      pollers.push(
        commandStatusSource(
          {
            host: name,
            argv: sc.command,
            mapping: sc.mapping,
            target: hosts.commandTarget(name),
            intervalMs: sc.interval,
          },
          sink,
        ),
      );
    }
  }
  for (const [service, cfg] of Object.entries(env.services)) {
    const m = cfg.metrics;
    if (m && 'scrape' in m)
      pollers.push(metricsScrapeSource({ service, url: m.scrape, metric: m.metric }, sink));
    if (m && 'prometheus' in m) {
      pollers.push(
        prometheusSource(
          {
            service,
            url: m.prometheus,
            metric: m.metric,
            ...(m.selector && { selector: m.selector }),
            ...(m.errorRatioQuery && { errorRatioQuery: m.errorRatioQuery }),
            ...(m.p95Query && { p95Query: m.p95Query }),
            headers: authHeaders(m.auth),
            intervalMs: m.interval,
          },
          sink,
        ),
      );
    }
    for (const target of cfg.health) {
      pollers.push(
        healthCheckSource(
          typeof target === 'string'
            ? { service, url: target }
            : {
                service,
                url: target.url,
                fields: target.fields,
                healthyValues: target.healthyValues,
                timeoutMs: target.timeout,
              },
          sink,
        ),
      );
    }
  }
  if (env.kubernetes) {
    const cluster = kubernetesSource(env.kubernetes, sink);
    cluster.start();
    dockers.push(cluster);
  }
  if (env.prometheus?.rules)
    pollers.push(
      prometheusRulesSource(env.prometheus.url, sink, authHeaders(env.prometheus.auth, 'Prometheus')),
    );
  if (env.alertmanager)
    pollers.push(
      alertmanagerSource(env.alertmanager.url, sink, authHeaders(env.alertmanager.auth, 'Alertmanager')),
    );
  for (const p of pollers) p.start();
  return {
    async stop() {
      for (const p of pollers) p.stop();
      for (const d of dockers) d.stop();
      for (const f of followers) f.stop();
      hosts.stop();
    },
  };
}
