import { closeSync, constants, existsSync, fsyncSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, openPrivate, writeFileAtomic } from '../files/privateFiles';
import { DEFAULT_LOCK_WAIT_MS, withFileLock } from '../incident/fileLock';
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

type Line = { op: 'queued'; entry: OutboxEntry } | { op: 'done'; id: string };

/**
 * Messages accepted but not yet delivered, on disk (0600 in a 0700 directory), so a console that
 * dies with one pending sends it once it is back: at least once. Each change is one appended line,
 * synced before it is acknowledged; when nothing is pending the file is replaced by an empty one.
 * The console and the CLI may share it: every change is made under its lock file.
 * A line that does not parse (a torn last write) is skipped; every whole line is kept.
 */
export class Outbox {
  constructor(private readonly path: string) {}

  /** What is still to be sent, in the order it was accepted. */
  pending(): OutboxEntry[] {
    if (!existsSync(this.path)) return [];
    const queued = new Map<string, OutboxEntry>();
    for (const text of readFileSync(this.path, 'utf8').split('\n')) {
      if (text === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        continue;
      }
      if (line.op === 'queued' && line.entry?.id) queued.set(line.entry.id, line.entry);
      else if (line.op === 'done') queued.delete(line.id);
    }
    return [...queued.values()];
  }

  /** Accepts entries, all in one synced write: a message for several channels costs one fsync. */
  queue(...entries: OutboxEntry[]): void {
    if (entries.length === 0) return;
    this.locked(() => this.append(...entries.map((entry): Line => ({ op: 'queued', entry }))));
  }

  /** Delivered, or refused for good: it leaves the outbox (the journal has its outcome). */
  done(id: string): void {
    this.locked(() => {
      this.append({ op: 'done', id });
      if (this.pending().length === 0) writeFileAtomic(this.path, '');
    });
  }

  private locked(fn: () => void): void {
    ensurePrivateDir(dirname(this.path));
    withFileLock(`${this.path}.lock`, DEFAULT_LOCK_WAIT_MS, fn);
  }

  private append(...lines: Line[]): void {
    const fd = openPrivate(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    try {
      writeSync(fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
