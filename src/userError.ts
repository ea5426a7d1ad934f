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
