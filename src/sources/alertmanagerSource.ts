import type { EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import type { AlertmanagerClient } from './alertmanagerClient';
import { Poller } from './poller';

/**
 * The environment's alerts, polled from Alertmanager with the same deadlines and backoff as every
 * other poller; a failure makes them "unknown" (with why), never "none".
 */
export function alertmanagerSource(client: AlertmanagerClient, sink: EventSink, intervalMs = 5000): Poller {
  return new Poller({
    intervalMs,
    task: async () => {
      const alerts = await client.alerts();
      sink({ type: 'alerts', at: Date.now(), alerts });
    },
    onFailure: (error) =>
      sink({ type: 'alerts-unknown', at: Date.now(), reason: sanitize((error as Error).message) }),
  });
}
