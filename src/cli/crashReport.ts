import { join } from 'node:path';
import { stateDirFor } from '../config/paths';
import { ensurePrivateDir, writeFileAtomic } from '../files/privateFiles';
import { sanitize } from '../text/sanitize';

declare const OPSCONSOLE_VERSION: string;

/**
 * A truly unexpected error: its stack goes to a private file in the state directory and the
 * operator gets one line naming that file, never a stack trace on the terminal.
 */
export function crashMessage(err: unknown, stateDir = stateDirFor(undefined)): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const summary = sanitize(e.message.split('\n')[0] ?? '').slice(0, 200);
  const dir = join(stateDir, 'crashes');
  const file = join(dir, `crash-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  try {
    ensurePrivateDir(dir);
    writeFileAtomic(
      file,
      [
        `opsconsole ${typeof OPSCONSOLE_VERSION === 'string' ? OPSCONSOLE_VERSION : 'dev'} on Node ${process.version}`,
        `argv: ${JSON.stringify(process.argv.slice(2))}`,
        '',
        e.stack ?? e.message,
        '',
      ].join('\n'),
    );
    return `opsconsole: internal error: ${summary}\n  details: ${file} (please include it when you report this)`;
  } catch (writeErr) {
    return `opsconsole: internal error: ${summary}\n  (its details could not be saved in ${dir}: ${sanitize(String((writeErr as Error).message ?? writeErr)).split('\n')[0]})`;
  }
}
