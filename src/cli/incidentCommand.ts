import { findConfig, loadConfigFile } from '../config/load';
import { stateDirFor } from '../config/paths';
import { configSecrets } from '../config/secrets';
import { IncidentRecorder } from '../incident/recorder';
import { isSeverity, isStatus, SEVERITIES, STATUSES } from '../model/incident';
import { describeDamage, type JournalRecord } from '../model/journalRecord';
import { closest } from '../text/closest';
import { parseDuration } from '../text/duration';
import { inertJson } from '../text/inert';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { tellChatFromCli } from './chatFromCli';
import type { Command, ParsedCommand } from './commands';
import { pickEnvironment } from './environment';
import { pushIncident } from './incidentPush';
import { incidentStoreFor } from './incidentStores';
import { stderr, stdout } from './output';
import { keepIncident, releaseIncident } from './recordings';

export function incidentContext(configFlag: string | undefined, envFlag?: unknown) {
  const path = findConfig(configFlag);
  const loaded = path ? loadConfigFile(path) : undefined;
  const stateDir = stateDirFor(loaded);
  const repo = incidentStoreFor(loaded, typeof envFlag === 'string' ? envFlag : undefined);
  const secrets = configSecrets(loaded?.config);
  return {
    loaded,
    repo,
    stateDir,
    secrets,
    recorderFor: (id: string) => new IncidentRecorder(repo.open(id), secrets),
  };
}

/** "2026-11-21T03:12:00Z", or "-10m" / "10m ago" relative to now. */
export function parseWhen(text: string, now = Date.now()): number {
  const relative = /^-?\s*(\S+?)(?:\s+ago)?$/.exec(text.trim());
  const ms = relative?.[1] ? parseDuration(relative[1]) : undefined;
  if (ms !== undefined && (text.trim().startsWith('-') || text.trim().endsWith('ago'))) return now - ms;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UserError(
      `opsconsole: expected a time such as 2026-11-21T03:12:00Z or -10m; got "${sanitize(text)}"`,
    );
  return t;
}

function severityOf(v: unknown): keyof typeof SEVERITIES {
  const s = String(v ?? '');
  if (!isSeverity(s)) {
    // Left out, it is missing, not an empty value the operator typed.
    const problem = v === undefined ? 'is required' : `expected one of P0, P1, P2, P3; got "${sanitize(s)}"`;
    throw new UserError(
      `opsconsole: --severity ${problem}\n${Object.entries(SEVERITIES)
        .map(([k, d]) => `  ${k}  ${d}`)
        .join('\n')}${v === undefined ? '\n  fix: add --severity P2 (or the level that fits)' : ''}`,
    );
  }
  return s;
}

const USAGE = [
  'opsconsole incident declare --title TITLE --severity P0|P1|P2|P3 [--commander NAME] [--started TIME]',
  '       opsconsole incident note ID TEXT... [--action-item] [--at TIME]',
  '       opsconsole incident status ID investigating|identified|monitoring|resolved',
  '       opsconsole incident severity ID P0|P1|P2|P3',
  '       opsconsole incident role ID ROLE PERSON      (commander, communications, scribe, ...)',
  '       opsconsole incident resolve ID',
  '       opsconsole incident update ID --message TEXT   (a stakeholder update, told to the chat channels)',
  '       opsconsole incident list [--json]',
  '       opsconsole incident repair ID            (after the journal was damaged: keeps it aside, re-chains)',
  '       opsconsole incident keep|release ID [--env NAME]   (its recording kept from eviction, or let go)',
  '       opsconsole incident push ID [--env NAME]   (a journal of this state directory copied into the store: database)',
].join('\n');

/** "; did you mean "note"?" for a misspelled verb of `incident`, else nothing. */
function didYouMean(word: string): string {
  const verbs = [...USAGE.matchAll(/opsconsole incident (\w+)/g)].map((m) => m[1] as string);
  const guess = closest(word, verbs);
  return guess ? `; did you mean "${guess}"?` : '';
}

/** The most an update may say: a chat message's worth (as `u` in the console). */
const MAX_UPDATE_CHARS = 1800;

function need(args: string[], count: number, what: string): void {
  if (args.length < count)
    throw new UserError(`opsconsole: incident ${what}: missing arguments\n\nUsage: ${USAGE}`);
}

async function run(parsed: ParsedCommand, globals: { config?: string }): Promise<number> {
  const ctx = incidentContext(globals.config, parsed.values.env);
  try {
    return await runWith(ctx, parsed);
  } finally {
    // A record that waits in the outbox (the database is away) is kept, and the operator is told.
    const status = ctx.repo.status();
    if (status) stderr.line(`opsconsole: ${status}`);
    ctx.repo.close();
  }
}

async function runWith(
  ctx: ReturnType<typeof incidentContext>,
  { values, positionals }: ParsedCommand,
): Promise<number> {
  const [sub, ...args] = positionals;
  // A --env that names no environment is a usage error before anything is recorded: a record the
  // wrong channels (or none) were told of could not be told again.
  if (typeof values.env === 'string' && ctx.loaded) pickEnvironment(ctx.loaded, values.env);
  const out = (s: string) => stdout.line(s);
  /** Chat hears of what the CLI records as it hears of the console's (the environment's channels). */
  const tell = (id: string, r: JournalRecord) =>
    tellChatFromCli(ctx.loaded, values.env, ctx.repo, ctx.secrets, id, r);
  switch (sub) {
    case 'declare': {
      if (typeof values.title !== 'string' || values.title.trim() === '') {
        throw new UserError('opsconsole: incident declare: --title is required');
      }
      const { id } = ctx.repo.declare({
        title: values.title,
        severity: severityOf(values.severity),
        ...(typeof values.commander === 'string' && { commander: values.commander }),
        ...(typeof values.started === 'string' && { startedAt: parseWhen(values.started) }),
      });
      out(id);
      const declared = ctx.repo.load(id).records.find((r) => r.kind === 'incident.declared');
      if (declared) await tell(id, declared);
      return 0;
    }
    case 'update': {
      need(args, 1, 'update');
      const id = args[0] as string;
      const text = (typeof values.message === 'string' ? values.message : args.slice(1).join(' ')).trim();
      if (text === '') throw new UserError('opsconsole: incident update: --message TEXT is required');
      if ([...text].length > MAX_UPDATE_CHARS)
        throw new UserError(
          `opsconsole: incident update: ${[...text].length} characters, over ${MAX_UPDATE_CHARS}; shorten it`,
        );
      const r = ctx.recorderFor(id).record('incident.update', { text });
      out(`recorded #${r.seq}`);
      if (ctx.repo.load(id).status === 'resolved')
        stderr.line(`opsconsole: note: ${id} is resolved; the update is told as "After resolution: …"`);
      await tell(id, r);
      return 0;
    }
    case 'note': {
      need(args, 2, 'note');
      const [id, ...words] = args as [string, ...string[]];
      const at = typeof values.at === 'string' ? parseWhen(values.at) : undefined;
      const r = ctx
        .recorderFor(id)
        .record('note', { text: words.join(' '), actionItem: values['action-item'] === true }, at);
      out(`recorded #${r.seq}`);
      return 0;
    }
    case 'status': {
      need(args, 2, 'status');
      const [id, status] = args as [string, string];
      if (!isStatus(status))
        throw new UserError(
          `opsconsole: incident status: expected one of ${STATUSES.join(', ')}; got "${sanitize(status)}"`,
        );
      const r = ctx.recorderFor(id).record('incident.status', { status });
      out(`${id}: ${status}`);
      await tell(id, r);
      return 0;
    }
    case 'severity': {
      need(args, 2, 'severity');
      const [id, severity] = args as [string, string];
      const r = ctx.recorderFor(id).record('incident.severity', { severity: severityOf(severity) });
      out(`${id}: ${severity}`);
      await tell(id, r);
      return 0;
    }
    case 'role': {
      need(args, 3, 'role');
      const [id, role, ...person] = args as [string, string, ...string[]];
      const r = ctx.recorderFor(id).record('incident.role', { role, person: person.join(' ') });
      out(`${id}: ${role} = ${person.join(' ')}`);
      await tell(id, r);
      return 0;
    }
    case 'resolve': {
      need(args, 1, 'resolve');
      const id = args[0] as string;
      const resolved = ctx.recorderFor(id).record('incident.status', { status: 'resolved' });
      out(`${id}: resolved`);
      await tell(id, resolved);
      const silences = ctx.repo
        .load(id)
        .silences.filter((x) => !x.expired && x.endsAt > Date.now())
        .map((x) => x.id);
      if (silences.length > 0)
        out(
          `${silences.length} silence${silences.length === 1 ? ' made for it is' : 's made for it are'} still active; to expire:\n  opsconsole alerts expire ${silences.join(' ')} --incident ${id}`,
        );
      return 0;
    }
    case 'repair': {
      need(args, 1, 'repair');
      const id = args[0] as string;
      const result = ctx.repo.open(id).repair();
      out(
        result.movedAside
          ? `${id}: the journal held no readable record, so nothing to re-chain; it was moved aside to ${result.keptAt} and is no longer listed`
          : result.damage
            ? `${id}: repaired (${describeDamage(result.damage)}); ${result.records} records re-chained, ${result.unreadable} unreadable lines kept in the record; the old file is kept as ${result.keptAt}`
            : `${id}: the chain verified; rewritten anyway, the old file kept as ${result.keptAt}`,
      );
      return 0;
    }
    case 'push': {
      need(args, 1, 'push');
      out(pushIncident(ctx.stateDir, ctx.repo, args[0] as string));
      return 0;
    }
    case 'keep': {
      need(args, 1, 'keep');
      const state = ctx.repo.load(args[0] as string);
      const stateDir = ctx.stateDir;
      const env = keepIncident(stateDir, state, typeof values.env === 'string' ? values.env : undefined);
      out(
        `${state.id}: its recording is kept in the ${sanitize(env)} log store until it is exported or released`,
      );
      return 0;
    }
    case 'release': {
      need(args, 1, 'release');
      const id = ctx.repo.load(args[0] as string).id;
      const released = releaseIncident(
        ctx.stateDir,
        id,
        typeof values.env === 'string' ? values.env : undefined,
      );
      out(released ? `${id}: its recording may be evicted again` : `${id}: nothing was kept for it`);
      return 0;
    }
    case 'list': {
      const { incidents: all, unreadable } = ctx.repo.scan();
      for (const u of unreadable) stderr.line(`opsconsole: ${u.id}: cannot be read: ${u.reason}`);
      if (values.json) {
        out(
          inertJson(
            all.map((s) => ({
              id: s.id,
              title: s.title,
              severity: s.severity,
              status: s.status,
              commander: s.commander,
              declaredAt: new Date(s.declaredAt).toISOString(),
              resolvedAt: s.resolvedAt ? new Date(s.resolvedAt).toISOString() : null,
              records: s.records.length,
              damage: s.damage ? describeDamage(s.damage) : null,
            })),
            2,
          ),
        );
      } else if (all.length === 0) {
        out('no incidents');
      } else {
        for (const s of all) {
          out(
            `${s.id}  ${s.severity}  ${s.status.padEnd(13)}  ${new Date(s.declaredAt).toISOString()}  ${sanitize(s.title)}`,
          );
          if (s.damage)
            out(`  DAMAGED journal, ${describeDamage(s.damage)}\n  fix: opsconsole incident repair ${s.id}`);
        }
      }
      return unreadable.length > 0 || all.some((s) => s.damage) ? 1 : 0;
    }
    default:
      throw new UserError(
        `opsconsole: incident: expected a subcommand${sub ? `, got "${sanitize(sub)}"${didYouMean(sub)}` : ''}\n\nUsage: ${USAGE}`,
      );
  }
}

export const incidentCommand: Command = {
  name: 'incident',
  summary: 'Declare incidents and add to their timeline from scripts or another SSH session.',
  usage: USAGE,
  details: [
    'Every command returns after its record is synced to the journal on disk, so it is safe to run',
    'while a console records the same incident. Severity levels:',
    ...Object.entries(SEVERITIES).map(([k, d]) => `  ${k}  ${d}`),
  ],
  options: {
    title: { type: 'string' },
    severity: { type: 'string' },
    commander: { type: 'string' },
    started: { type: 'string' },
    at: { type: 'string' },
    'action-item': { type: 'boolean' },
    json: { type: 'boolean' },
    message: { type: 'string' },
    env: { type: 'string' },
  },
  allowPositionals: true,
  run,
};
