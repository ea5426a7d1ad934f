import type { PayloadInput } from '../model/journalRecord';
import type { IncidentMessage, NotifyEvent, NotifyKind } from '../model/notify';
import { type DeliveryOptions, type DeliveryOutcome, deliver } from './delivery';
import type { Outbox, OutboxEntry } from './outbox';
import { payloadFor } from './platformPayloads';

/** A configured channel, its URL read when a message goes (never kept in the outbox or the journal). */
export interface NotifyTarget {
  name: string;
  kind: NotifyKind;
  events: readonly NotifyEvent[];
  /** It may be told hostnames (`user@host`, how to join): the config's `links`. */
  links: boolean;
  url: () => string;
}

export interface NotifierOptions {
  targets: NotifyTarget[];
  outbox: Outbox;
  /** Journals into the message's incident: the intent before it is sent, the outcome after. */
  record: <K extends 'notify.intent' | 'notify.result'>(
    incidentId: string,
    kind: K,
    payload: PayloadInput<K>,
  ) => void;
  /** The channels now failing (each kept its messages for later), for the header. */
  onFailing?: (channels: string[]) => void;
  send?: typeof deliver;
  delivery?: Partial<DeliveryOptions>;
  /** How long a channel that kept failing rests before its messages are tried again. */
  retryAfterMs?: number;
}

/**
 * Sends what the incident's course tells each channel, in order per channel, off the input path
 * (every send is awaited I/O). A message is in the outbox before its intent is journaled and the
 * send starts; it leaves the outbox once the platform took it or refused it for good. A channel that
 * keeps failing keeps its messages, says so, and is tried again later: nothing is dropped silently.
 */
export class Notifier {
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly busy = new Set<string>();
  private readonly failing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: NotifierOptions) {}

  /** Sends what an earlier run accepted and did not deliver. */
  start(): void {
    for (const entry of this.o.outbox.pending()) this.enqueue(entry);
    for (const name of this.queues.keys()) void this.pump(name);
  }

  /** Accepts the message (made for each channel, as its `links` allows) for every channel whose events include it. */
  tell(build: (links: boolean) => IncidentMessage | undefined): void {
    const accepted: { entry: OutboxEntry; message: IncidentMessage; t: NotifyTarget }[] = [];
    for (const t of this.o.targets) {
      const message = build(t.links);
      if (!message || !t.events.includes(message.event)) continue;
      const entry: OutboxEntry = {
        id: `${message.id}:${t.name}`,
        incidentId: message.incidentId,
        channel: t.name,
        kind: t.kind,
        payload: payloadFor(t.kind, message),
        queuedAt: Date.now(),
      };
      accepted.push({ entry, message, t });
    }
    this.o.outbox.queue(...accepted.map((a) => a.entry));
    for (const { entry, message, t } of accepted) {
      this.o.record(message.incidentId, 'notify.intent', {
        messageId: entry.id,
        channel: t.name,
        platform: t.kind,
        event: message.event,
        text: `${message.title}: ${message.headline}`.slice(0, 500),
      });
      this.enqueue(entry);
      void this.pump(t.name);
    }
  }

  /** Resolves once every channel's queue is empty or resting after failures (for the CLI and tests). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.settle();
  }

  private enqueue(entry: OutboxEntry): void {
    const q = this.queues.get(entry.channel) ?? [];
    if (!q.some((e) => e.id === entry.id)) q.push(entry);
    this.queues.set(entry.channel, q);
  }

  private isIdle(): boolean {
    return [...this.queues.entries()].every(
      ([name, q]) => !this.busy.has(name) && (q.length === 0 || this.failing.has(name)),
    );
  }

  private settle(): void {
    if (!this.isIdle() && !this.stopped) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async pump(name: string): Promise<void> {
    if (this.busy.has(name) || this.stopped) return;
    const target = this.o.targets.find((t) => t.name === name);
    const q = this.queues.get(name) ?? [];
    // A channel no longer configured keeps its messages in the outbox, untouched.
    if (!target) return;
    this.busy.add(name);
    try {
      while (q.length > 0 && !this.stopped) {
        const entry = q[0] as OutboxEntry;
        let outcome: DeliveryOutcome;
        try {
          outcome = await (this.o.send ?? deliver)(entry.kind, target.url(), entry.payload, {
            ...this.o.delivery,
            id: entry.id,
          });
        } catch (err) {
          outcome = {
            delivered: false,
            attempts: 0,
            detail: (err as Error).message.split('\n')[0] ?? 'failed',
            retryable: true,
          };
        }
        this.o.record(entry.incidentId, 'notify.result', {
          messageId: entry.id,
          channel: name,
          delivered: outcome.delivered,
          ...(outcome.status !== undefined && { status: outcome.status }),
          detail: outcome.detail,
          attempts: outcome.attempts,
        });
        if (!outcome.delivered && outcome.retryable) {
          this.setFailing(name, true);
          // Stopped meanwhile: the message stays in the outbox for the next run.
          if (this.stopped) return;
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            void this.pump(name);
          }, this.o.retryAfterMs ?? 60_000);
          timer.unref();
          this.timers.add(timer);
          return;
        }
        this.o.outbox.done(entry.id);
        q.shift();
        // A refusal is not retried, but the channel is shown failing until a message gets through.
        this.setFailing(name, !outcome.delivered);
      }
    } finally {
      this.busy.delete(name);
      this.settle();
    }
  }

  private setFailing(name: string, failing: boolean): void {
    if (failing === this.failing.has(name)) return;
    if (failing) this.failing.add(name);
    else this.failing.delete(name);
    this.o.onFailing?.([...this.failing].sort());
  }
}
