import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { LineSplitter } from '../logs/lineSplitter';
import { fieldNamesWith, parseLine } from '../logs/parseLine';
import type { EventSink, FieldNames } from '../model/sourceEvents';
import { readBackLines, readBackOffset } from './fileReadBack';
import { type ReadBack, readBackCapMarker } from './readBack';

const CHUNK = 1024 * 1024;

/**
 * Follows a log file across rotation (the path now names a new file: the old one is read to its
 * end first) and truncation (the file shrank: reading restarts at 0, and a visible marker says so).
 * Polls rather than watching, because inotify misses renames on some filesystems and over NFS.
 */
export class FileFollower {
  private fd: number | undefined;
  private ino: number | undefined;
  private offset = 0;
  private splitter = new LineSplitter();
  private timer: NodeJS.Timeout | undefined;
  private missingReported = false;
  /** The bytes just before `offset`, to notice a file rewritten in place to the same length. */
  private tailBytes = Buffer.alloc(0);
  private mtimeMs = 0;

  constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly sink: EventSink,
    private readonly options: {
      fromStart?: boolean;
      pollMs?: number;
      fields?: Partial<FieldNames>;
      /** At the first open, read back what the file holds from the window's start. */
      readBack?: ReadBack;
    } = {},
  ) {}

  start(): void {
    this.poll(true);
    this.timer = setInterval(() => this.poll(false), this.options.pollMs ?? 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.drain();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private emit(lines: string[], readBack = false): void {
    if (lines.length === 0) return;
    const fields = this.options.fields;
    this.sink({
      type: 'log-lines',
      source: this.source,
      lines,
      receivedAt: Date.now(),
      ...(readBack && { readBack }),
      ...(fields && { fields }),
    });
  }

  private open(first: boolean): void {
    const fd = openSync(this.path, 'r');
    const st = fstatSync(fd);
    this.fd = fd;
    this.ino = st.ino;
    this.offset = first && !this.options.fromStart ? st.size : 0;
    this.splitter = new LineSplitter();
    const readBack = this.options.readBack;
    if (first && readBack && !this.options.fromStart && readBack.windowMs > 0) {
      const names = fieldNamesWith(this.options.fields);
      const from = readBackOffset(fd, st.size, Date.now() - readBack.windowMs, names);
      const { lines, resumeAt } = readBackLines(fd, from, st.size, readBack);
      // The lines carry their own times: the ingest counts each at its own.
      this.emit(lines, true);
      if (lines.length >= readBack.maxLines && lines[0] !== undefined) {
        const first = parseLine(lines[0], { source: this.source, seq: 0, receivedAt: 0, fields: names });
        this.emit([
          readBackCapMarker(this.source, readBack.maxLines, first.timeFromLine ? first.time : undefined),
        ]);
      }
      this.offset = Math.max(from, resumeAt);
    }
  }

  /** Reads what was appended since the last poll. */
  private drain(): void {
    if (this.fd === undefined) return;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(this.fd, buf, 0, CHUNK, this.offset);
      if (n <= 0) break;
      this.offset += n;
      this.emit(this.splitter.push(buf.subarray(0, n)));
      this.tailBytes = Buffer.from(buf.subarray(Math.max(0, n - 32), n));
    }
  }

  /** True when the bytes before our offset are no longer the ones we read: rewritten in place. */
  private rewritten(): boolean {
    if (this.fd === undefined || this.tailBytes.length === 0) return false;
    const now = Buffer.alloc(this.tailBytes.length);
    readSync(this.fd, now, 0, now.length, this.offset - this.tailBytes.length);
    return !now.equals(this.tailBytes);
  }

  private poll(first: boolean): void {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(this.path);
    } catch {
      if (!this.missingReported) {
        this.sink({
          type: 'source',
          id: `file:${this.path}`,
          state: 'reconnecting',
          at: Date.now(),
          reason: 'file not found',
        });
        this.missingReported = true;
      }
      return;
    }
    if (this.missingReported) {
      this.sink({ type: 'source', id: `file:${this.path}`, state: 'connected', at: Date.now() });
      this.missingReported = false;
    }
    if (this.fd === undefined) {
      this.open(first);
    } else if (st.ino !== this.ino) {
      // Rotated: finish the old file, then start the new one from its beginning.
      this.drain();
      this.emit(this.splitter.end());
      closeSync(this.fd);
      this.open(false);
    } else if (st.size < this.offset || (st.mtimeMs !== this.mtimeMs && this.rewritten())) {
      this.emit([...this.splitter.end(), `── ${this.path} was truncated; reading from its start ──`]);
      this.offset = 0;
      this.tailBytes = Buffer.alloc(0);
      this.splitter = new LineSplitter();
    }
    this.mtimeMs = st.mtimeMs;
    this.drain();
  }
}
