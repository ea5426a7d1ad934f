import { alertOrder, labelText } from '../model/alerts';
import { AlertmanagerClient } from '../sources/alertmanagerClient';
import { matchesQuery } from '../store/paneRows';
import { formatDuration } from '../text/duration';
import { inertJson } from '../text/inert';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stdout } from './output';

/** The Alertmanager to ask: --alertmanager URL, else the configured environment's. */
async function alertmanagerUrl(
  flag: unknown,
  configFlag: string | undefined,
  envFlag: unknown,
): Promise<string> {
  if (typeof flag === 'string') return flag;
  const { findConfig, loadConfigFile } = await import('../config/load');
  const path = findConfig(configFlag);
  if (path) {
    const loaded = loadConfigFile(path);
    const { pickEnvironment } = await import('./environment');
    const [, env] = pickEnvironment(loaded, typeof envFlag === 'string' ? envFlag : undefined);
    if (env.alertmanager) return env.alertmanager.url;
  }
  throw new UserError(
    'opsconsole: alerts: no Alertmanager to ask.\n  fix: pass --alertmanager URL, or set alertmanager: { url: ... } on the environment in the config.',
  );
}

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'List the alerts and silences of the Alertmanager (API v2).',
  usage: 'opsconsole alerts [--json] [--filter WORDS] [--alertmanager URL] [--env NAME]',
  details: [
    'Alerts most severe first, then the longest-standing: state, severity, name, since, labels and',
    'summary; then the active silences. --filter keeps the alerts whose name or labels hold every word.',
    'Labels and annotations are shown with every control sequence removed.',
  ],
  options: {
    json: { type: 'boolean' },
    filter: { type: 'string' },
    alertmanager: { type: 'string' },
    env: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, globals) {
    const url = await alertmanagerUrl(values.alertmanager, globals.config, values.env);
    const client = new AlertmanagerClient(url);
    let alerts: Awaited<ReturnType<AlertmanagerClient['alerts']>>;
    let silences: Awaited<ReturnType<AlertmanagerClient['silences']>>;
    try {
      [alerts, silences] = await Promise.all([client.alerts(), client.silences()]);
    } catch (err) {
      throw new UserError(`opsconsole: alerts: ${url}: ${(err as Error).message}`, 1);
    }
    const query = typeof values.filter === 'string' ? values.filter : '';
    const shown = alerts
      .filter((a) => matchesQuery(`${a.name} ${labelText(a.labels)}`, query))
      .sort(alertOrder);
    const active = silences.filter((s) => s.state !== 'expired');
    if (values.json) {
      stdout.line(
        inertJson(
          {
            alertmanager: url,
            alerts: shown.map((a) => ({ ...a, startsAt: new Date(a.startsAt).toISOString() })),
            silences: active.map((s) => ({
              ...s,
              startsAt: new Date(s.startsAt).toISOString(),
              endsAt: new Date(s.endsAt).toISOString(),
            })),
          },
          2,
        ),
      );
      return 0;
    }
    const now = Date.now();
    if (shown.length === 0) stdout.line(query ? `no alert matches "${query}"` : 'no alerts');
    for (const a of shown) {
      const labels = labelText(a.labels, ['alertname', 'severity']);
      stdout.line(
        `${a.state.padEnd(9)} ${a.severity.padEnd(8)} ${a.name}  since ${formatDuration(now - a.startsAt)}  ${labels}${a.annotations.summary ? `  — ${a.annotations.summary}` : ''}`,
      );
    }
    for (const s of active)
      stdout.line(
        `silence ${s.id} ${s.state} until ${new Date(s.endsAt).toISOString()} by ${s.createdBy}: ${s.matchers.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${m.value}`).join(' ')}${s.comment ? `  (${s.comment})` : ''}`,
      );
    return 0;
  },
};
