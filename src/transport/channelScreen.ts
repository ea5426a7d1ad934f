import { EventEmitter } from 'node:events';

/**
 * A responder's terminal as Ink sees its stdout. One that does not read (a stopped `ssh`, a slow
 * link) must not slow anyone else: while its channel is backed up, frames are not queued; only
 * the newest waits, and goes when the channel drains. Every frame is the whole screen (the served
 * console renders without incremental diffs), so skipping one loses nothing but its moment. It
 * says when it backs up and drains, so the screen's owner can stop rendering for it meanwhile.
 */
/**
 * Output the channel holds unsent beyond this is a client not reading. ssh2 queues up to 2 MB in
 * the process (its stream's high-water mark) on top of the client's 2 MB window before `write`
 * says no; at a few KB a frame that is minutes of a stopped client's screens, so this looks at
 * what is queued instead.
 */
const QUEUED_LIMIT = 64 * 1024;
/** How often a backed-up channel is looked at again. */
const RECHECK_MS = 100;

/**
 * The largest screen rendered for one responder, whatever size their terminal says it is: Ink
 * builds a cell per column and row of every frame, so a client claiming 10000x10000 would cost
 * the shared server gigabytes (it aborted). A bigger terminal shows the console in its top-left
 * corner. With the queue bound above, one screen costs at most about two frames of this size.
 */
export const MAX_SCREEN = { columns: 500, rows: 200 } as const;

/** A size a client sent (any uint32, or 0 for "unknown"), as the screen is rendered. */
export function screenSize(columns: number, rows: number): { columns: number; rows: number } {
  const bounded = (n: number, fallback: number, max: number) =>
    Number.isFinite(n) && n >= 1 ? Math.min(Math.floor(n), max) : fallback;
  return { columns: bounded(columns, 80, MAX_SCREEN.columns), rows: bounded(rows, 24, MAX_SCREEN.rows) };
}

export class ChannelScreen extends EventEmitter {
  readonly isTTY = true;
  writable = true;
  writableEnded = false;
  destroyed = false;
  /** Frames replaced by a newer one while the channel was backed up. */
  dropped = 0;
  /** Bytes handed to the channel. */
  sent = 0;
  /** Times the client stopped reading long enough for the channel to back up. */
  backups = 0;
  private waiting: string | undefined;
  private recheck: NodeJS.Timeout | undefined;

  columns: number;
  rows: number;

  constructor(
    private readonly channel: NodeJS.WritableStream & { readonly writableLength: number },
    columns: number,
    rows: number,
  ) {
    super();
    ({ columns: this.columns, rows: this.rows } = screenSize(columns, rows));
  }

  get backedUp(): boolean {
    return this.recheck !== undefined;
  }

  write(data: string | Uint8Array): boolean {
    if (this.writableEnded) return true;
    // No pseudo-terminal on this side turns LF into CR LF (a tty's ONLCR would): done here.
    const text = (typeof data === 'string' ? data : Buffer.from(data).toString('utf8')).replace(
      /(?<!\r)\n/g,
      '\r\n',
    );
    if (this.backedUp) {
      if (this.waiting !== undefined) this.dropped++;
      this.waiting = text;
      return true;
    }
    this.sent += Buffer.byteLength(text);
    this.channel.write(text);
    if (this.channel.writableLength > QUEUED_LIMIT) {
      this.backups++;
      this.emit('backed-up');
      this.recheck = setInterval(() => this.caughtUp(), RECHECK_MS);
      this.recheck.unref();
    }
    return true;
  }

  /** Once the client has taken most of what was queued, the newest frame goes, and rendering resumes. */
  private caughtUp(): void {
    if (!this.writableEnded && this.channel.writableLength > QUEUED_LIMIT / 2) return;
    this.stopChecking();
    if (this.writableEnded) return;
    this.emit('drained');
    const next = this.waiting;
    this.waiting = undefined;
    if (next !== undefined) this.write(next);
  }

  private stopChecking(): void {
    clearInterval(this.recheck);
    this.recheck = undefined;
  }

  resize(columns: number, rows: number): void {
    const size = screenSize(columns, rows);
    if (size.columns === this.columns && size.rows === this.rows) return;
    ({ columns: this.columns, rows: this.rows } = size);
    this.emit('resize');
  }

  end(): void {
    this.writableEnded = true;
    this.writable = false;
    this.stopChecking();
  }
}
