import { defaultActor } from '../incident/journal';
import {
  type Alert,
  alertOrder,
  hasControlCharacter,
  labelText,
  matcherProblem,
  matcherText,
  matchesEverything,
  mergeAlertSources,
  parseMatcher,
  type Silence,
} from '../model/alerts';
import {
  createSilence,
  expireSilences,
  planSilence,
  type SilenceJournal,
  type SilencePlan,
  silenceComment,
} from '../session/alertSilencing';
import { AlertmanagerClient } from '../sources/alertmanagerClient';
import { authHeaders } from '../sources/authHeaders';
import { prometheusAlertRules } from '../sources/prometheusAlerts';
import { PrometheusClient } from '../sources/prometheusSource';
import { alertMatchesQuery } from '../store/paneRows';
import { formatDuration, parseDuration } from '../text/duration';
import { inertJson } from '../text/inert';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command, ParsedCommand } from './commands';
import { incidentContext } from './incidentCommand';
import { stdout } from './output';
import { reachFix } from './reachFix';

/**
 * Where the alerts are: the Alertmanager (--alertmanager URL, else the environment's, with its auth)
 * and the Prometheus whose rules to read (--prometheus URL, else the environment's with rules on).
 */
async function alertSources(values: ParsedCommand['values'], configFlag: string | undefined) {
  let am: { url: string; client: AlertmanagerClient } | undefined;
  let prom: { url: string; client: PrometheusClient } | undefined;
  if (typeof values.alertmanager === 'string')
    am = { url: values.alertmanager, client: new AlertmanagerClient(values.alertmanager) };
  if (typeof values.prometheus === 'string')
    prom = { url: values.prometheus, client: new PrometheusClient(values.prometheus, {}, 5000) };
  const { findConfig, loadConfigFile } = await import('../config/load');
  const path = am || prom ? undefined : findConfig(configFlag);
  if (path) {
    const loaded = loadConfigFile(path);
    const { pickEnvironment } = await import('./environment');
    const [, env] = pickEnvironment(loaded, typeof values.env === 'string' ? values.env : undefined);
    if (env.alertmanager) {
      const { url, auth } = env.alertmanager;
      am = { url, client: AlertmanagerClient.configured({ url, auth }) };
    }
    if (env.prometheus?.rules) {
      const { url, auth } = env.prometheus;
      prom = { url, client: new PrometheusClient(url, authHeaders(auth, 'Prometheus'), 5000) };
    }
  }
  return { am, prom };
}

const NOTHING_TO_ASK =
  'opsconsole: alerts: no Alertmanager to ask.\n  fix: pass --alertmanager URL, or set alertmanager: { url: ... } on the environment in the config.';

/** The Alertmanager, which silences need. */
async function alertmanagerClient(values: ParsedCommand['values'], configFlag: string | undefined) {
  const { am } = await alertSources(values, configFlag);
  if (!am) throw new UserError(NOTHING_TO_ASK);
  return am;
}

/** Runs one call to Alertmanager; a failure is exit 1 naming the Alertmanager, never a stack. */
async function asking<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new UserError(
      `opsconsole: alerts: ${url}: ${(err as Error).message}\n${reachFix(err, 'Alertmanager', '--alertmanager http://alertmanager:9093')}`,
      1,
    );
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function silenceLine(s: Silence): string {
  return `silence ${s.id} ${s.state} until ${iso(s.endsAt)} by ${s.createdBy}: ${s.matchers.map(matcherText).join(' ')}${s.comment ? `  (${s.comment})` : ''}`;
}

function alertLine(a: Alert, now: number): string {
  const labels = labelText(a.labels, ['alertname', 'severity']);
  return `${a.state.padEnd(9)} ${a.severity.padEnd(8)} ${a.name}  since ${formatDuration(now - a.startsAt)}  ${labels}${a.annotations.summary ? `  — ${a.annotations.summary}` : ''}`;
}

/**
 * Asks the operator to type "silence" after showing the plan; without a terminal to ask on, --yes
 * is the confirmation.
 */
async function confirmTyped(word: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY)
    throw new UserError(
      `opsconsole: alerts: not confirmed.\n  fix: read what is shown above, then run again with --yes (there is no terminal to type "${word}" on)`,
    );
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Type "${word}" to go ahead: `);
    if (answer.trim() !== word) throw new UserError('opsconsole: alerts: not confirmed; nothing was done', 1);
  } finally {
    rl.close();
  }
}

/** The incident's recorder when --incident names one: silencing is journaled there. */
function journalFor(id: unknown, configFlag: string | undefined): SilenceJournal | undefined {
  if (typeof id !== 'string') return undefined;
  const ctx = incidentContext(configFlag);
  ctx.repo.resolveId(id);
  return ctx.recorderFor(id);
}

function showPlan(plan: SilencePlan, now: number): void {
  stdout.line(`Will silence for ${formatDuration(plan.durationMs)}, as ${plan.createdBy}:`);
  for (const m of plan.matchers) stdout.line(`  ${matcherText(m)}`);
  stdout.line(`comment: ${plan.comment}`);
  stdout.line(
    plan.catches.length === 0
      ? 'It catches no alert right now.'
      : `It catches ${plan.catches.length} alert${plan.catches.length === 1 ? '' : 's'} right now:`,
  );
  for (const a of plan.catches.slice(0, 50)) stdout.line(`  ${alertLine(a, now)}`);
  if (plan.catches.length > 50) stdout.line(`  … and ${plan.catches.length - 50} more`);
}

/** The longest silence: its end must be a date Alertmanager (Go's RFC 3339, years to 9999) can read. */
const LONGEST_SILENCE_MS = 10 * 365 * 86_400_000;

/** --for as a duration: positive, and short enough that the silence ends on a date. */
function silenceDuration(text: unknown): number {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  const got = typeof text === 'string' ? `; got "${sanitize(text)}"` : '';
  if (ms === undefined || !Number.isFinite(ms))
    throw new UserError(`opsconsole: alerts silence: --for: expected a duration such as 30m or 2h${got}`);
  if (ms <= 0)
    throw new UserError(`opsconsole: alerts silence: --for: a silence lasts a positive time${got}`);
  if (ms > LONGEST_SILENCE_MS)
    throw new UserError(
      `opsconsole: alerts silence: --for: at most 3650d (ten years)${got}\n  fix: expire the silence when it is no longer needed rather than setting it for ever`,
    );
  return ms;
}

async function silenceCommand(args: ParsedCommand, configFlag: string | undefined): Promise<number> {
  const { values, positionals } = args;
  const words = positionals.slice(1);
  if (words.length === 0)
    throw new UserError(
      'opsconsole: alerts silence: name what to silence, e.g. alertname=HighErrorRate service=api\n  fix: opsconsole alerts silence MATCHER... --for 30m --yes',
    );
  const matchers = words.map((w) => {
    if (hasControlCharacter(w))
      throw new UserError(
        `opsconsole: alerts silence: "${sanitize(w)}" holds a control character (shown here as a placeholder); a silence is sent exactly as shown, so it may not hold one\n  fix: write the matcher without it (a regex can match any character with .)`,
      );
    const m = parseMatcher(w);
    if (!m)
      throw new UserError(
        `opsconsole: alerts silence: "${sanitize(w)}" ${sanitize(matcherProblem(w) ?? '')}\n  fix: write name=value, name!=value, name=~regex or name!~regex (a regex RE2 takes, as Alertmanager does)`,
      );
    return m;
  });
  if (matchesEverything(matchers))
    throw new UserError(
      'opsconsole: alerts silence: at least one matcher must require a non-empty value (Alertmanager refuses a silence that matches everything)',
    );
  if (typeof values.comment === 'string' && hasControlCharacter(values.comment))
    throw new UserError(
      `opsconsole: alerts silence: --comment "${sanitize(values.comment)}" holds a control character (shown here as a placeholder); a silence is sent exactly as shown, so it may not hold one`,
    );
  const durationMs = silenceDuration(values.for);
  const journal = journalFor(values.incident, configFlag);
  const { url, client } = await alertmanagerClient(values, configFlag);
  const alerts = await asking(url, () => client.alerts());
  const now = Date.now();
  const plan = planSilence(matchers, alerts, {
    durationMs,
    comment: silenceComment(
      typeof values.incident === 'string' ? values.incident : undefined,
      typeof values.comment === 'string' ? values.comment : undefined,
    ),
    createdBy: defaultActor(),
  });
  showPlan(plan, now);
  await confirmTyped('silence', values.yes === true);
  const made = await asking(url, () => createSilence(client, plan, journal));
  stdout.line(`silence ${made.id} created, until ${iso(made.endsAt)}`);
  return 0;
}

async function expireCommand(args: ParsedCommand, configFlag: string | undefined): Promise<number> {
  const ids = args.positionals.slice(1);
  if (ids.length === 0)
    throw new UserError('opsconsole: alerts expire: name the silences to expire (their ids)');
  const journal = journalFor(args.values.incident, configFlag);
  const { url, client } = await alertmanagerClient(args.values, configFlag);
  stdout.line(`Will expire ${ids.map((id) => sanitize(id)).join(', ')} on ${url}`);
  await confirmTyped('expire', args.values.yes === true);
  const failed = await expireSilences(client, ids, journal);
  for (const id of ids) if (!failed.some((f) => f.id === id)) stdout.line(`silence ${id} expired`);
  if (failed.length > 0)
    throw new UserError(failed.map((f) => `opsconsole: alerts expire: ${f.id}: ${f.error}`).join('\n'), 1);
  return 0;
}

async function listCommand({ values }: ParsedCommand, configFlag: string | undefined): Promise<number> {
  const { am, prom } = await alertSources(values, configFlag);
  if (!am && !prom)
    throw new UserError(
      `${NOTHING_TO_ASK}\n       or pass --prometheus URL (or prometheus: { url, rules: true }) for its alerting rules.`,
    );
  const [fromAm, fromRules] = await Promise.all([
    am && asking(am.url, () => Promise.all([am.client.alerts(), am.client.silences(), am.client.status()])),
    prom && asking(prom.url, () => prometheusAlertRules(prom.client)),
  ]);
  const [amAlerts, silences, status] = fromAm ?? [[], [], undefined];
  const alerts = mergeAlertSources(amAlerts, fromRules?.alerts);
  const query = typeof values.filter === 'string' ? values.filter : '';
  const shown = alerts.filter((a) => alertMatchesQuery(a, query)).sort(alertOrder);
  const active = silences.filter((s) => s.state !== 'expired');
  if (values.json) {
    stdout.line(
      inertJson(
        {
          alertmanager: am ? { url: am.url, ...status } : null,
          prometheus: prom ? prom.url : null,
          alerts: shown.map((a) => ({ ...a, startsAt: iso(a.startsAt) })),
          silences: active.map((s) => ({ ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) })),
          ...(fromRules && { rules: fromRules.rules }),
        },
        2,
      ),
    );
    return 0;
  }
  const now = Date.now();
  if (shown.length === 0) stdout.line(query ? `no alert matches "${query}"` : 'no alerts');
  for (const a of shown) stdout.line(alertLine(a, now));
  for (const s of active) stdout.line(silenceLine(s));
  return 0;
}

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'List the alerts and silences of the Alertmanager (API v2); silence alerts, expire silences.',
  usage: [
    'opsconsole alerts [--json] [--filter WORDS] [--alertmanager URL] [--prometheus URL] [--env NAME]',
    '       opsconsole alerts silence MATCHER... --for 30m [--incident ID] [--comment TEXT] [--yes]',
    '       opsconsole alerts expire SILENCE_ID... [--incident ID] [--yes]',
  ].join('\n'),
  details: [
    'Alerts most severe first, then the longest-standing: state, severity, name, since, labels and',
    'summary; then the active silences. --filter keeps the alerts whose name, labels or state hold',
    'every word. Labels and annotations are shown with every control sequence removed. With a',
    'Prometheus (--prometheus, or prometheus: { rules: true }), its pending alerts are listed too,',
    "and --json adds its alerting rules (expression, for, state) and the Alertmanager's version.",
    '',
    'silence shows the matchers and the alerts they catch now, then asks you to type "silence"',
    '(--yes confirms without asking). MATCHER is name=value, name!=value, name=~regex or name!~regex.',
    'The silence is created by user@host, with the incident id in its comment; with --incident the',
    'intent and the result are recorded on that incident, and expire records there too.',
  ],
  options: {
    json: { type: 'boolean' },
    filter: { type: 'string' },
    alertmanager: { type: 'string' },
    prometheus: { type: 'string' },
    env: { type: 'string' },
    for: { type: 'string' },
    incident: { type: 'string' },
    comment: { type: 'string' },
    yes: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(args, globals) {
    const sub = args.positionals[0];
    if (sub === 'silence') return silenceCommand(args, globals.config);
    if (sub === 'expire') return expireCommand(args, globals.config);
    if (sub !== undefined)
      throw new UserError(
        `opsconsole: alerts: unknown subcommand "${sanitize(sub)}"\n  fix: opsconsole alerts [silence|expire] (see opsconsole alerts --help)`,
      );
    return listCommand(args, globals.config);
  },
};
