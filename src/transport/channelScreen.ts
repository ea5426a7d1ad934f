import { EventEmitter } from 'node:events';

/**
 * A responder's terminal as Ink sees its stdout. One that does not read (a stopped `ssh`, a slow
 * link) must not slow anyone else: while its channel is backed up, frames are not queued; only
 * the newest waits, and goes when the channel drains. Every frame is the whole screen (the served
 * console renders without incremental diffs), so skipping one loses nothing but its moment.
 */
export class ChannelScreen extends EventEmitter {
  readonly isTTY = true;
  writable = true;
  writableEnded = false;
  destroyed = false;
  /** Frames replaced by a newer one while the channel was backed up. */
  dropped = 0;
  /** Bytes handed to the channel. */
  sent = 0;
  private waiting: string | undefined;
  private backedUp = false;

  constructor(
    private readonly channel: NodeJS.WritableStream & { once(e: 'drain', l: () => void): unknown },
    public columns: number,
    public rows: number,
  ) {
    super();
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
    if (!this.channel.write(text)) {
      this.backedUp = true;
      this.channel.once('drain', () => {
        this.backedUp = false;
        const next = this.waiting;
        this.waiting = undefined;
        if (next !== undefined) this.write(next);
      });
    }
    return true;
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }

  end(): void {
    this.writableEnded = true;
    this.writable = false;
  }
}
