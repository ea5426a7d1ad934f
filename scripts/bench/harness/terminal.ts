// The console (or an ssh client) in a real pseudo-terminal, read through the tests' PtyTerminal, and
// the keypress-to-screen latency every benchmark reports the same way.
import { setTimeout as sleep } from 'node:timers/promises';
import { PtyTerminal } from '../../../test/helpers/ptyTerminal';
import { bin } from './context';

export interface ConsoleOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  /** The program to run: bin/opsconsole unless given (the single executable, ssh). */
  file?: string;
}

export function startConsole(args: string[], options: ConsoleOptions = {}): PtyTerminal {
  const { file = bin, ...rest } = options;
  return new PtyTerminal(file, args, rest);
}

/** Bytes the program has written to its terminal so far. */
export const bytesWritten = (t: PtyTerminal): number => Buffer.byteLength(t.raw);

/** Keypress-to-screen is timed by reading the screen this often. */
const SCREEN_POLL_MS = 5;

/** Milliseconds until the screen shows `pattern`, reading it every 5 ms. */
export async function timeUntilScreen(t: PtyTerminal, pattern: RegExp, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  await t.waitFor(pattern, timeoutMs, SCREEN_POLL_MS);
  return performance.now() - t0;
}

/**
 * `n` times: press `key`, time until the screen shows `shown`, then Esc and wait until it is gone.
 * By default `?` and the help overlay, which every view has.
 */
export async function keyLatencies(
  t: PtyTerminal,
  n: number,
  key = '?',
  shown = /\(\? or Esc closes\)/,
  gone = /^(?![\s\S]*\(\? or Esc closes)/,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    t.press(key);
    await t.waitFor(shown, 5000, SCREEN_POLL_MS);
    out.push(performance.now() - t0);
    t.press('\u001b');
    await t.waitFor(gone, 5000, SCREEN_POLL_MS);
    // A person does not press the next key within the same frame.
    await sleep(50);
  }
  return out;
}

/** Presses q and waits for the program to end; kills it if it has not within five seconds. */
export async function quit(t: PtyTerminal): Promise<void> {
  t.press('q');
  await Promise.race([t.exited, sleep(5000)]);
  if (t.exitCode === undefined) t.kill('SIGKILL');
}
