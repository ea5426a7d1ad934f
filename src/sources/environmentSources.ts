import type { Environment } from '../config/schema';
import type { EventSink } from './events';
import { healthCheckSource } from './healthCheckSource';
import { metricsScrapeSource } from './metricsScrapeSource';
import type { Poller } from './poller';

export interface RunningSources {
  stop(): Promise<void>;
}

/** Starts the sources an environment's config describes. */
export function startEnvironmentSources(env: Environment, sink: EventSink): RunningSources {
  const pollers: Poller[] = [];
  for (const [service, cfg] of Object.entries(env.services)) {
    if (cfg.metrics && 'scrape' in cfg.metrics) {
      pollers.push(
        metricsScrapeSource({ service, url: cfg.metrics.scrape, metric: cfg.metrics.metric }, sink),
      );
    }
    for (const url of cfg.health) pollers.push(healthCheckSource({ service, url }, sink));
  }
  for (const p of pollers) p.start();
  return {
    async stop() {
      for (const p of pollers) p.stop();
    },
  };
}
