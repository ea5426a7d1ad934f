import type { Environment } from '../config/schema';
import type { EventSink } from '../model/sourceEvents';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { AlertmanagerClient } from './alertmanagerClient';
import { alertmanagerSource } from './alertmanagerSource';
import { authHeaders } from './authHeaders';
import { commandStatusSource } from './commandStatusSource';
import { healthCheckSource } from './healthCheckSource';
import { kubernetesSource } from './kubernetesSource';
import { metricsScrapeSource } from './metricsScrapeSource';
import type { Poller } from './poller';
import { prometheusRulesSource } from './prometheusAlerts';
import { prometheusSource } from './prometheusSource';
import { dockerDialer, engineWatcher, type Startable, serviceLogFollowers } from './serviceLogs';

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
  const readBack = { windowMs: env.history.window, maxLines: env.history.maxLines };
  /** What watches engines and clusters as they change: Docker's event streams, Kubernetes' watches. */
  const watchers: Startable[] = [];
  for (const [name, host] of Object.entries(env.hosts))
    if (host.docker)
      watchers.push(
        engineWatcher(name, dockerDialer(env, hosts, name), sink, host.followContainerLogs, readBack),
      );
  if (env.kubernetes) watchers.push(kubernetesSource(env.kubernetes, sink, readBack));
  for (const d of watchers) d.start();
  const followers = serviceLogFollowers(env, sink, hosts, { readBack });
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
            backfillMs: env.history.window,
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
