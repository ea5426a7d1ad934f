import type { LoadedConfig } from '../config/load';
import { stateDirFor } from '../config/paths';
import type { IncidentStore } from '../incident/incidentStore';
import { IncidentRecorder } from '../incident/recorder';
import type { JournalRecord, PayloadInput } from '../model/journalRecord';
import { messageFor } from '../notify/incidentMessages';
import { Notifier } from '../notify/notifier';
import { Outbox, type OutboxEntry } from '../notify/outbox';
import { outboxPath } from '../session/chatUpdates';
import { firstLineOf } from '../userError';
import { pickEnvironment } from './environment';
import { notifyTargets } from './notifyTargets';
import { stderr } from './output';

/** How long the CLI waits for chat before it leaves what is undelivered to the outbox. */
const CLI_CHAT_WAIT_MS = 20_000;
/** Two tries of 5 s (a second apart) fit the wait, so every channel's outcome is said. */
const CLI_DELIVERY = { maxAttempts: 2, attemptMs: 5_000 };

/**
 * Tells the environment's chat channels of a record the CLI just appended, as the console would:
 * journaled intent and outcome, the outbox keeping what did not go (the next console sends it).
 * Says on stderr what each channel did; never fails the command that made the record.
 */
export async function tellChatFromCli(
  loaded: LoadedConfig | undefined,
  envFlag: unknown,
  repo: IncidentStore,
  secrets: string[],
  incidentId: string,
  record: JournalRecord,
): Promise<void> {
  if (!loaded) return;
  let envName: string;
  let targets: ReturnType<typeof notifyTargets>;
  try {
    const [name, env] = pickEnvironment(loaded, typeof envFlag === 'string' ? envFlag : undefined);
    envName = name;
    targets = notifyTargets(env);
  } catch (err) {
    // Recorded, but told to no one: say why, so a wrong --env is not mistaken for a quiet channel.
    stderr.line(`opsconsole: chat not told: ${firstLineOf(err).replace(/^opsconsole: /, '')}`);
    return;
  }
  if (targets.length === 0) return;
  /** What each channel did, said in the config's order whichever answered first. */
  const outcomes: string[] = [];
  const byChannel = new Map<string, string[]>();
  const say = (channel: string, text: string) =>
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), text]);
  const said = new Set<string>();
  const outbox = new Outbox(outboxPath(stateDirFor(loaded), envName));
  const notifier = new Notifier({
    targets,
    outbox,
    record: <K extends 'notify.intent' | 'notify.result'>(id: string, kind: K, payload: PayloadInput<K>) => {
      new IncidentRecorder(repo.open(id), secrets).record(kind, payload);
      if (kind === 'notify.result') {
        const p = payload as PayloadInput<'notify.result'>;
        said.add(p.messageId);
        say(
          p.channel,
          p.delivered
            ? `${p.channel}: delivered`
            : p.status !== undefined && p.status < 500 && p.status !== 429
              ? `${p.channel}: refused (HTTP ${p.status}: ${p.detail})`
              : `${p.channel}: not taken (${p.detail}); kept, the console sends it when it runs`,
        );
      }
    },
    retryAfterMs: 60 * 60_000,
    delivery: CLI_DELIVERY,
  });
  let accepted: OutboxEntry[] = [];
  try {
    const state = repo.load(incidentId);
    // What an earlier run left undelivered goes first, so a channel hears the incident in order.
    notifier.start();
    accepted = notifier.tell((links) => messageFor(record, state, { links }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      notifier.idle(),
      new Promise<void>((r) => {
        timer = setTimeout(r, CLI_CHAT_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  } catch (err) {
    outcomes.push(`chat: ${firstLineOf(err)}`);
  } finally {
    notifier.stop();
  }
  // Another opsconsole on this state (a console) may have sent ours along with its own, or still holds older ones.
  const waiting = new Set(outbox.pending().map((e) => e.id));
  for (const e of accepted.filter((a) => !said.has(a.id)))
    say(
      e.channel,
      waiting.has(e.id)
        ? `${e.channel}: not sent yet (another opsconsole on this state is sending older messages); kept`
        : `${e.channel}: sent by another opsconsole on this state directory`,
    );
  for (const t of targets) for (const o of byChannel.get(t.name) ?? []) stderr.line(`opsconsole: ${o}`);
  for (const o of outcomes) stderr.line(`opsconsole: ${o}`);
}

/** What a console that quits says of chat messages it could not deliver: they are kept, not lost. */
export function sayChatLeftBehind(pending: number): void {
  if (pending === 0) return;
  stderr.line(
    `opsconsole: ${pending} chat message${pending === 1 ? '' : 's'} not delivered yet: kept, and the next opsconsole on this state directory sends ${pending === 1 ? 'it' : 'them'} (run \`opsconsole\` or \`opsconsole notify test CHANNEL\` to see why)`,
  );
}
