import { UserError } from '../userError';

/** The console draws a full-screen UI: refuse clearly when there is no terminal to draw on. */
export function requireInteractiveTerminal(): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    const which = !process.stdout.isTTY ? 'standard output' : 'standard input';
    throw new UserError(
      [
        `opsconsole: the console needs an interactive terminal, but ${which} is not one.`,
        '  fix: run it in a terminal (over ssh use `ssh -t`), or for scripts use',
        '       `opsconsole status --json` for a one-shot snapshot.',
      ].join('\n'),
    );
  }
}

export function colorEnabled(env = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}
