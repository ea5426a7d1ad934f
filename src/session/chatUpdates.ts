import { join } from 'node:path';
import type { IncidentStore } from '../incident/incidentStore';
import { IncidentRecorder } from '../incident/recorder';
import { messageFor } from '../notify/incidentMessages';
import { Notifier, type NotifyTarget } from '../notify/notifier';
import { Outbox } from '../notify/outbox';
import type { ConsoleStore } from '../store/consoleStore';
import { firstLineOf } from '../userError';
import type { IncidentSession } from './incidentSession';

/** Where an environment's messages wait until a channel takes them. */
export function outboxPath(stateDir: string, environment: string): string {
  return join(stateDir, 'notify', `${environment}.outbox.jsonl`);
}

/**
 * Tells the environment's chat channels of the incident's course: every record this console
 * appends that chat hears of (declared, severity, status, command, a step's result, an update)
 * becomes a message per channel, journaled and sent by one notifier per process, however many
 * screens a served console has. What an earlier run left undelivered goes first.
 */
export function startChatUpdates(o: {
  incident: IncidentSession;
  repo: IncidentStore;
  secrets: string[];
  store: ConsoleStore;
  stateDir: string;
  environment: string;
  targets: NotifyTarget[];
  /** How to join, said when an incident is declared to channels that allow links. */
  join?: string;
  say(message: string): void;
}): { notifier: Notifier; stop(): void } {
  const notifier = new Notifier({
    targets: o.targets,
    outbox: new Outbox(outboxPath(o.stateDir, o.environment)),
    record: (incidentId, kind, payload) => {
      // Into the message's incident: the open one, or (a message left from before) its own journal.
      if (o.incident.active?.id === incidentId) o.incident.record(kind, payload);
      else new IncidentRecorder(o.repo.open(incidentId), o.secrets).record(kind, payload);
    },
    onFailing: (channels) => o.store.setState({ chatFailing: channels }),
  });
  const stopHearing = o.incident.onRecorded((record, state) => {
    try {
      notifier.tell((links) => messageFor(record, state, { links, ...(o.join && { join: o.join }) }));
    } catch (err) {
      o.say(`could not queue the chat update: ${firstLineOf(err)}`);
    }
  });
  // A channel whose URL cannot be read is said at start, not first at the declaration.
  for (const t of o.targets) {
    try {
      t.url();
    } catch (err) {
      o.say(`chat: ${firstLineOf(err)}`);
    }
  }
  // Another process's leftovers (a CLI that could not wait) are looked for every minute.
  notifier.start(60_000);
  return {
    notifier,
    stop() {
      stopHearing();
      notifier.stop();
    },
  };
}
