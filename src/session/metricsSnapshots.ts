import { sparkline } from '../metrics/sparkline';
import { announce, type ConsoleStore } from '../store/consoleStore';
import { firstLineOf } from '../userError';
import type { IncidentSession } from './incidentSession';

const SNAPSHOT_INTERVAL_MS = 60_000;

/**
 * A minute-by-minute picture of every service's rates while an incident is open, so the post-mortem
 * has the curve and not just the alerts. Returns how to stop it.
 */
export function startMetricsSnapshots(
  store: ConsoleStore,
  incident: IncidentSession,
  threshold: number,
): () => void {
  const timer = setInterval(() => {
    if (!store.getState().incident.active) return;
    const services = Object.fromEntries(
      Object.values(store.getState().signals).map((v) => [
        v.service,
        { ratio1m: v.ratio1m ?? null, ratio5m: v.ratio5m ?? null, spark: sparkline(v.spark, threshold * 2) },
      ]),
    );
    try {
      incident.record('metrics.snapshot', { services });
    } catch (err) {
      announce(store.shared, `could not record: ${firstLineOf(err)}`, undefined, store.getState().now);
    }
  }, SNAPSHOT_INTERVAL_MS);
  return () => clearInterval(timer);
}
