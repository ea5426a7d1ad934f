import type { JournalReply } from './threadProtocol';

/** Network and server states after which the same call may work later: the outbox takes the record. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'CONNECT_TIMEOUT',
  'NO_ACCEPTABLE_HOST',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting, or in recovery)
  '25006', // read_only_sql_transaction: a standby answered
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
]);

/** What went wrong, in the operator's words, and whether waiting will fix it. */
export function problemOf(err: unknown): JournalReply & { ok: false } {
  const e = err as { code?: string; message?: string; errno?: string };
  const code = String(e.code ?? e.errno ?? '');
  const message = (e.message ?? String(err)).split('\n')[0] as string;
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))
    return {
      ok: false,
      problem: 'unavailable',
      message: `${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    };
  if (code === '42P01')
    return {
      ok: false,
      problem: 'version',
      message:
        'the database has no opsconsole tables.\n  fix: `opsconsole store init` (as the database owner) creates them',
    };
  if (code === '42501')
    return {
      ok: false,
      problem: 'refused',
      message: `${message}.\n  fix: the database owner grants the console's role what it needs: \`opsconsole store init --grant ROLE\``,
    };
  if (code === '28P01' || code === '28000')
    return {
      ok: false,
      problem: 'refused',
      message: `${message}.\n  fix: set the password in PGPASSWORD or a ~/.pgpass line (host:port:database:user:password)`,
    };
  if (/certificate|self[- ]signed|altname|SSL|TLS/i.test(`${message} ${code}`))
    return {
      ok: false,
      problem: 'refused',
      message: `TLS: ${message}.\n  fix: give the server's CA with ?sslrootcert=FILE, or ?sslmode=disable for a loopback server without TLS`,
    };
  return { ok: false, problem: 'refused', message: code ? `${message} (${code})` : message };
}
