/**
 * One POSIX shell word per argument: single quotes, with each embedded quote written as '\''.
 * Used only for the remote side of SSH, whose exec channel hands a string to the login shell.
 */
export function quoteForShell(argv: string[]): string {
  return argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
}
