import type { ConsoleSessionOptions } from '../session/consoleSession';

/** The console (Ink, React, the views) loads only when a console is asked for: other commands start fast. */
export async function runConsoleSession(options: Omit<ConsoleSessionOptions, 'exit'>): Promise<number> {
  const { runConsoleSession: run } = await import('./consoleSession');
  return run(options);
}
