import type { Environment } from '../config/schema';
import type { EventSink } from '../model/sourceEvents';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { AlertmanagerClient } from './alertmanagerClient';
import { alertmanagerSource } from './alertmanagerSource';
import { authHeaders } from './authHeaders';
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
  /** What watches engines and clusters as they change: Docker's event streams, Kubernetes' watches. */
  const watchers: { start(): void; stop(): void }[] = [];
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
      watchers.push({
        start: () => source.start(),
        stop: () => {
          source.stop();
          every.stop();
        },
      });
    } else watchers.push(new DockerSource(name, dialer, sink));
  }
  if (env.kubernetes) watchers.push(kubernetesSource(env.kubernetes, sink));
  for (const d of watchers) d.start();
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
  if (env.prometheus?.rules)
    pollers.push(
      prometheusRulesSource(env.prometheus.url, sink, authHeaders(env.prometheus.auth, 'Prometheus')),
    );
  if (env.alertmanager)
    pollers.push(alertmanagerSource(AlertmanagerClient.configured(env.alertmanager), sink));
  for (const p of pollers) p.start();
  return {
    async stop() {
      for (const p of pollers) p.stop();
      for (const d of watchers) d.stop();
      for (const f of followers) f.stop();
      hosts.stop();
    },
  };
}
