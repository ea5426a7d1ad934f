import type { ConsoleSessionOptions } from './consoleSession';

/** The console (Ink, React, the views) loads only when a console is asked for: other commands start fast. */
export async function runConsoleSession(options: ConsoleSessionOptions): Promise<number> {
  const { runConsoleSession: run } = await import('./consoleSession');
  return run(options);
}
