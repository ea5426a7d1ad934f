import { execa } from 'execa';
import type { CommandTarget } from '../model/command';
import { sanitize } from '../text/sanitize';

export const OUTPUT_TAIL_BYTES = 16 * 1024;

/** Keeps the last `limit` bytes of a stream and counts the rest. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  total = 0;

  constructor(private readonly limit = OUTPUT_TAIL_BYTES) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  }

  text(): string {
    let buf = Buffer.concat(this.chunks);
    if (buf.length > this.limit) buf = buf.subarray(buf.length - this.limit);
    const dropped = this.total - buf.length;
    const body = sanitize(buf.toString('utf8').replace(/\r?\n/g, '\n'), { tab: '  ' }).replaceAll('␊', '\n');
    return dropped > 0 ? `…[${dropped} earlier bytes not kept]\n${body}` : body;
  }
}

/** This machine: the argv runs without a shell, so no argument is ever interpreted. */
export const localTarget: CommandTarget = {
  name: 'local',
  async run(argv, { timeoutMs, signal, onOutput, maxOutputBytes }) {
    const started = performance.now();
    const tail = new OutputTail(maxOutputBytes);
    const [file, ...args] = argv as [string, ...string[]];
    const child = execa(file, args, {
      shell: false,
      reject: false,
      timeout: timeoutMs,
      ...(signal && { cancelSignal: signal }),
      forceKillAfterDelay: 2000,
      stdin: 'ignore',
      buffer: false,
      all: true,
    });
    child.all?.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      onOutput?.(chunk.toString('utf8'));
    });
    const result = await child;
    const failedToStart = result.exitCode === undefined && !result.timedOut && !result.isCanceled;
    if (failedToStart)
      tail.push(Buffer.from(`could not start ${file}: ${result.shortMessage ?? 'unknown error'}`));
    return {
      exitCode: result.exitCode ?? (failedToStart ? 127 : 1),
      durationMs: Math.round(performance.now() - started),
      output: tail.text(),
      outputBytes: tail.total,
      timedOut: result.timedOut === true,
      cancelled: result.isCanceled === true,
    };
  },
};
