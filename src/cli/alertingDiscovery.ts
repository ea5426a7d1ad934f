import { prometheusAlertmanagers } from '../sources/prometheusAlerts';
import { PrometheusClient } from '../sources/prometheusSource';

/**
 * What a Prometheus tells of the team's alerting: its own rules (always there to read) and the
 * Alertmanager it sends to, when it names one. A Prometheus that does not say leaves the
 * Alertmanager out rather than failing the discovery.
 */
export async function alertingFromPrometheus(
  url: string,
): Promise<{ prometheus: { url: string; rules: true }; alertmanager?: { url: string } }> {
  let alertmanagers: string[] = [];
  try {
    alertmanagers = await prometheusAlertmanagers(new PrometheusClient(url, {}, 5000));
  } catch {
    // An older or locked-down Prometheus: the rules are still read, the Alertmanager is configured by hand.
  }
  const [first] = alertmanagers;
  return { prometheus: { url, rules: true }, ...(first && { alertmanager: { url: first } }) };
}
