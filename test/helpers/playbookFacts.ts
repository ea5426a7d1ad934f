/** Live data for playbook tests: an api and a worker, the api's 5xx ratio and rules as given. */
import type { LiveFacts } from '../../src/playbooks/evaluateCondition';

export const NOW = Date.UTC(2026, 10, 21, 3, 0);
const healthy = { up: 1, total: 1 };
export type RuleState = 'ok' | 'pending' | 'firing';
/** Every rule the console evaluates: the 5xx ones in `state`, latency and health as given. */
export const rules = (
  state: RuleState,
  other: { sustained?: RuleState; latency?: RuleState; health?: RuleState } = {},
) => ({
  'error-ratio-critical': state,
  'error-ratio-warning': state,
  'error-ratio-sustained': other.sustained ?? state,
  'latency-p95': other.latency ?? 'ok',
  'health-degraded': other.health ?? 'ok',
});

export function facts(api: {
  ratio: number;
  firing: boolean;
  releasedMinutesAgo?: number;
  health?: { up: number; total: number };
}): LiveFacts {
  return {
    now: NOW,
    dependencyErrors: [],
    services: {
      api: {
        // Watched for releases for the last two days: "none in the last hour" is known, not assumed.
        releasesWatchedSince: NOW - 2 * 86_400_000,
        ratio: { '1m': api.ratio, '5m': api.ratio, '10m': api.ratio },
        rules: rules(api.firing ? 'firing' : 'ok'),
        health: api.health ?? healthy,
        ...(api.releasedMinutesAgo !== undefined && { lastReleaseAt: NOW - api.releasedMinutesAgo * 60_000 }),
      },
      worker: {
        ratio: { '1m': 0.001, '5m': 0.001, '10m': 0.001 },
        rules: rules('ok'),
        health: healthy,
        releasesWatchedSince: NOW - 2 * 86_400_000,
      },
    },
  };
}
