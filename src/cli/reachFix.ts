/**
 * The fix line for a server that could not be asked, by what went wrong: nothing listening, a name
 * that does not resolve, no answer in time, or (anything else) the URL to check.
 */
export function reachFix(err: unknown, server: string, example: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | undefined)?.code;
  const kind =
    typeof code === 'string' ? code : /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)\b/.exec(message)?.[1];
  switch (kind) {
    case 'ECONNREFUSED':
      return `  fix: nothing listens there; start ${server}, or give the URL it listens on (${example})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `  fix: that host name does not resolve from here; check it, or give an address (${example})`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `  fix: ${server} did not answer in time; check that this machine can reach it (a firewall, a proxy)`;
    default:
      return `  fix: check that ${server} answers at that URL (${example})`;
  }
}
