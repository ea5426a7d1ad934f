import { inertText } from '../text/inert';

/**
 * The one way the CLI writes to its standard streams. Text is made inert on the way out; write
 * errors are caught and kept, so that the exit code can report them; and `finishOutput` waits until
 * everything written has reached the pipe before the process exits (Node writes to pipes
 * asynchronously, so exiting right after a write loses its tail).
 *
 * A reader that goes away (EPIPE: `| head`) is normal and ends the command quietly; any other write
 * error (ENOSPC on `> /dev/full`, EIO) is a failure with a message and a non-zero exit.
 */
class OutputStream {
  private failure: NodeJS.ErrnoException | undefined;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly name: string,
  ) {
    stream.on('error', (err) => this.fail(err));
  }

  write(text: string): void {
    if (this.failure || text === '') return;
    try {
      this.stream.write(inertText(text), (err) => {
        if (err) this.fail(err);
      });
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException);
    }
  }

  /** `text` followed by a newline. */
  line(text: string): void {
    this.write(`${text}\n`);
  }

  /** The error that stopped this stream, if any. */
  get error(): NodeJS.ErrnoException | undefined {
    return this.failure;
  }

  /** True once the reader has gone away: a follower should stop producing. */
  get readerGone(): boolean {
    return this.failure?.code === 'EPIPE';
  }

  /** Calls `fn` once when writing becomes impossible (reader gone or a write error). */
  onClosed(fn: () => void): () => void {
    if (this.failure) {
      queueMicrotask(fn);
      return () => {};
    }
    this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  /**
   * Resolves once the stream wants more (at once when it does): a long answer waits here between
   * batches so a slow reader holds it back instead of filling memory.
   */
  drained(): Promise<void> {
    if (this.failure || this.stream.destroyed || !this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        unlisten();
        resolve();
      };
      const unlisten = this.onClosed(done);
      this.stream.once('drain', done);
    });
  }

  /** Resolves when everything written so far has been handed to the operating system (or failed). */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure || this.stream.destroyed) return resolve();
      this.stream.write('', () => resolve());
    });
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (this.failure) return;
    this.failure = err;
    for (const fn of this.closeListeners) fn();
    this.closeListeners.clear();
  }
}

export const stdout = new OutputStream(process.stdout, 'standard output');
export const stderr = new OutputStream(process.stderr, 'standard error');

/**
 * Waits for both streams to drain, then returns the exit code: `code`, or 1 when standard output
 * failed for any reason other than its reader going away (the failure is reported on stderr).
 */
export async function finishOutput(code: number): Promise<number> {
  await Promise.all([stdout.flush(), stderr.flush()]);
  const err = stdout.error;
  if (!err || stdout.readerGone) return code;
  stderr.line(`opsconsole: could not write to standard output: ${err.code ?? err.message}${describe(err)}`);
  await stderr.flush();
  return code === 0 ? 1 : code;
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
      return ' (no space left on the device); the output is incomplete';
    case 'EIO':
      return ' (input/output error); the output is incomplete';
    default:
      return '; the output is incomplete';
  }
}
