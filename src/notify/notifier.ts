import { randomUUID } from 'node:crypto';
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

/** How often a channel held by another process, or one that could not be read, is looked at again. */
const HELD_RECHECK_MS = 500;

/**
 * Sends what the incident's course tells each channel, in order per channel, off the input path
 * (every send is awaited I/O, and starts after the key that caused it). A message is in the outbox
 * before its intent is journaled and the send starts; it leaves the outbox once the platform took
 * it or refused it for good. The outbox is the queue: every process on the state directory sends
 * from it, each message claimed by one at a time. A channel that keeps failing keeps its messages,
 * says so, and is tried again later; one whose URL cannot be read keeps them for the next start.
 * Nothing is dropped silently.
 */
export class Notifier {
  private readonly owner = `${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly busy = new Set<string>();
  /** Waiting: after failures (resting), or for another process sending the channel's oldest message (held). */
  private readonly resting = new Set<string>();
  private readonly held = new Set<string>();
  /** Its URL could not be read: only a restart with the setting fixed can send its messages. */
  private readonly unreadable = new Map<string, Set<string>>();
  private readonly failing = new Set<string>();
  private readonly inFlight = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: NotifierOptions) {}

  /** Sends what an earlier run (or another process) accepted and did not deliver; looks again every `sweepMs`. */
  start(sweepMs?: number): void {
    this.sweep();
    if (sweepMs !== undefined) {
      const timer = setInterval(() => this.sweep(), sweepMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /**
   * Accepts the message (made for each channel, as its `links` allows) for every channel whose
   * events include it; returns what it accepted.
   */
  tell(build: (links: boolean) => IncidentMessage | undefined): OutboxEntry[] {
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
    }
    for (const name of new Set(accepted.map((a) => a.t.name))) this.later(name, 0);
    return accepted.map((a) => a.entry);
  }

  /** How many messages are still to go (from this process or any other), for a console that quits. */
  pendingCount(): number {
    return this.o.outbox.pending().length;
  }

  /** Resolves once every channel has sent what it has, or rests after failures (for the CLI and tests). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending; a message in flight is let go, so the next process on this state sends it. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const id of this.inFlight.values()) this.o.outbox.release(id, this.owner);
    this.settle();
  }

  private sweep(): void {
    const channels = new Set(this.o.outbox.pending().map((e) => e.channel));
    for (const t of this.o.targets)
      if (channels.has(t.name) && !this.resting.has(t.name)) this.later(t.name, 0);
  }

  /** The next look at a channel, off the current call stack (a key press never waits on the outbox). */
  private later(name: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.resting.delete(name);
      this.held.delete(name);
      void this.pump(name);
    }, ms);
    if (ms > 0) timer.unref();
    this.timers.add(timer);
  }

  private isIdle(): boolean {
    if (this.stopped) return true;
    if (this.busy.size > 0 || this.held.size > 0) return false;
    const waiting = new Set(this.o.outbox.pending().map((e) => e.channel));
    return this.o.targets.every(
      (t) => !waiting.has(t.name) || this.resting.has(t.name) || this.unreadable.has(t.name),
    );
  }

  private settle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async pump(name: string): Promise<void> {
    const target = this.o.targets.find((t) => t.name === name);
    // A channel no longer configured keeps its messages in the outbox, untouched.
    if (!target || this.busy.has(name) || this.stopped) return;
    this.busy.add(name);
    try {
      let url: string;
      try {
        url = target.url();
        this.unreadable.delete(name);
      } catch (err) {
        this.keepUnreadable(name, (err as Error).message.split('\n')[0] ?? 'URL not readable');
        return;
      }
      for (;;) {
        if (this.stopped) return;
        const next = this.o.outbox.claimNext(name, this.owner);
        if (!next) return;
        if ('heldBy' in next) {
          this.held.add(name);
          this.later(name, HELD_RECHECK_MS);
          return;
        }
        const entry = next.entry;
        this.inFlight.set(name, entry.id);
        const outcome = await this.send(entry, url);
        this.inFlight.delete(name);
        this.o.record(entry.incidentId, 'notify.result', {
          messageId: entry.id,
          channel: name,
          delivered: outcome.delivered,
          ...(outcome.status !== undefined && { status: outcome.status }),
          detail: outcome.detail,
          attempts: outcome.attempts,
        });
        if (!outcome.delivered && outcome.retryable) {
          this.o.outbox.release(entry.id, this.owner);
          this.setFailing(name, true);
          this.resting.add(name);
          this.later(name, this.o.retryAfterMs ?? 60_000);
          return;
        }
        this.o.outbox.done(entry.id);
        // A refusal is not retried, but the channel is shown failing until a message gets through.
        this.setFailing(name, !outcome.delivered);
      }
    } finally {
      this.busy.delete(name);
      this.settle();
    }
  }

  private async send(entry: OutboxEntry, url: string): Promise<DeliveryOutcome> {
    try {
      return await (this.o.send ?? deliver)(entry.kind, url, entry.payload, {
        ...this.o.delivery,
        id: entry.id,
      });
    } catch (err) {
      const detail = (err as Error).message.split('\n')[0] ?? 'failed';
      return { delivered: false, attempts: 0, detail, retryable: true };
    }
  }

  /** Each of the channel's messages is journaled as kept (once), and the channel shown failing. */
  private keepUnreadable(name: string, why: string): void {
    const told = this.unreadable.get(name) ?? new Set<string>();
    this.unreadable.set(name, told);
    for (const entry of this.o.outbox.pending()) {
      if (entry.channel !== name || told.has(entry.id)) continue;
      told.add(entry.id);
      this.o.record(entry.incidentId, 'notify.result', {
        messageId: entry.id,
        channel: name,
        delivered: false,
        detail: `kept, not sent: ${why}`,
        attempts: 0,
      });
    }
    this.setFailing(name, true);
  }

  private setFailing(name: string, failing: boolean): void {
    if (failing === this.failing.has(name)) return;
    if (failing) this.failing.add(name);
    else this.failing.delete(name);
    this.o.onFailing?.([...this.failing].sort());
  }
}
