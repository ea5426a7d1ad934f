import { closeSync, constants, existsSync, fsyncSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, openPrivate, writeFileAtomic } from '../files/privateFiles';
import { DEFAULT_LOCK_WAIT_MS, processAlive, withFileLock } from '../incident/fileLock';
import type { NotifyKind } from '../model/notify';

/** One message on its way to one channel: what was accepted to be sent, kept until it is. */
export interface OutboxEntry {
  /** The message id and the channel: `<message>:<channel>`. */
  id: string;
  incidentId: string;
  channel: string;
  kind: NotifyKind;
  /** The platform's JSON body, made (and redacted) when it was accepted. Never the URL: that is a secret. */
  payload: unknown;
  queuedAt: number;
}

/** Who is sending a message now: a process (its pid, to tell a dead one) and a lease. */
interface Claim {
  owner: string;
  pid: number;
  until: number;
}

type Line =
  | { op: 'queued'; entry: OutboxEntry }
  | { op: 'done'; id: string }
  | ({ op: 'claim'; id: string } & Claim)
  | { op: 'release'; id: string; owner: string };

/** What a sender gets when it asks for a channel's next message. */
export type Next =
  | { entry: OutboxEntry }
  /** The channel's oldest message is being sent by another live process: wait, keep the order. */
  | { heldBy: number }
  | undefined;

/** A claim outlives no process; the lease only guards against a pid reused after a crash. */
const LEASE_MS = 15 * 60_000;

/**
 * Messages accepted but not yet delivered, on disk (0600 in a 0700 directory), so a console that
 * dies with one pending sends it once it is back: at least once. Each change is one appended line
 * made under the lock file: the console, a served console's screens and the CLI share it, and a
 * message is sent by whoever claims it first, one at a time per channel, oldest first. A claim is
 * not synced (losing it costs a second send, never a message); queued and done lines are. When
 * nothing is pending the file is replaced by an empty one. A line that does not parse (a torn last
 * write) is skipped; every whole line is kept.
 */
export class Outbox {
  constructor(
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** What is still to be sent, in the order it was accepted. */
  pending(): OutboxEntry[] {
    return [...this.read().values()].map((p) => p.entry);
  }

  /** Accepts entries, all in one synced write: a message for several channels costs one fsync. */
  queue(...entries: OutboxEntry[]): void {
    if (entries.length === 0) return;
    this.locked(() => this.append(true, ...entries.map((entry): Line => ({ op: 'queued', entry }))));
  }

  /**
   * The channel's oldest pending message, claimed for `owner`, unless another live process holds
   * it: then the caller waits, so a channel hears the incident in order whoever sends it.
   */
  claimNext(channel: string, owner: string): Next {
    return this.locked(() => {
      const head = [...this.read().values()].find((p) => p.entry.channel === channel);
      if (!head) return undefined;
      const c = head.claim;
      if (c && c.owner !== owner && c.until > this.now() && processAlive(c.pid)) return { heldBy: c.pid };
      this.append(false, {
        op: 'claim',
        id: head.entry.id,
        owner,
        pid: process.pid,
        until: this.now() + LEASE_MS,
      });
      return { entry: head.entry };
    });
  }

  /** Not delivered this time: anyone may take it again. */
  release(id: string, owner: string): void {
    this.locked(() => this.append(false, { op: 'release', id, owner }));
  }

  /** Delivered, or refused for good: it leaves the outbox (the journal has its outcome). */
  done(id: string): void {
    this.locked(() => {
      this.append(true, { op: 'done', id });
      if (this.read().size === 0) writeFileAtomic(this.path, '');
    });
  }

  private read(): Map<string, { entry: OutboxEntry; claim?: Claim }> {
    const pending = new Map<string, { entry: OutboxEntry; claim?: Claim }>();
    if (!existsSync(this.path)) return pending;
    for (const text of readFileSync(this.path, 'utf8').split('\n')) {
      if (text === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        continue;
      }
      if (line.op === 'queued' && line.entry?.id) pending.set(line.entry.id, { entry: line.entry });
      else if (line.op === 'done') pending.delete(line.id);
      else if (line.op === 'claim') {
        const p = pending.get(line.id);
        if (p) p.claim = { owner: line.owner, pid: line.pid, until: line.until };
      } else if (line.op === 'release') {
        const p = pending.get(line.id);
        if (p?.claim?.owner === line.owner) delete p.claim;
      }
    }
    return pending;
  }

  private locked<T>(fn: () => T): T {
    ensurePrivateDir(dirname(this.path));
    return withFileLock(`${this.path}.lock`, DEFAULT_LOCK_WAIT_MS, fn);
  }

  private append(sync: boolean, ...lines: Line[]): void {
    const fd = openPrivate(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    try {
      writeSync(fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
