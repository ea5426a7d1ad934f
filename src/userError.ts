/**
 * A mistake the user can fix (bad flag, bad config, missing file). The CLI prints its message without
 * a stack trace and exits with `exitCode` (2 for usage and configuration errors).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The first line of an error's message, without the CLI's "opsconsole: " prefix: for a status line. */
export function firstLineOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? message).replace(/^opsconsole: /, '');
}
