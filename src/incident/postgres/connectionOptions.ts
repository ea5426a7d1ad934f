import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../userError';
import { pgpassPassword } from './pgpass';

/** What the journal thread connects with: the pieces of a libpq URL, read as libpq reads them. */
export interface PgConnection {
  hosts: { host: string; port: number }[];
  database: string;
  user: string;
  password?: string;
  /** false: plain TCP (sslmode=disable); 'prefer': TLS when offered, unverified; else TLS as described. */
  ssl: false | 'prefer' | TlsSettings;
  targetSessionAttrs?: 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';
  connectTimeoutSeconds: number;
  applicationName: string;
  /** The URL without its password, for messages. */
  where: string;
  /** Said once when the connection is made (a password file others can read, so unused). */
  warnings: string[];
}

/** TLS settings as plain data: they cross to the journal thread, which makes Node's options of them. */
export interface TlsSettings {
  verify: 'none' | 'chain' | 'chain-and-name';
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
const SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;
const KNOWN_PARAMS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'target_session_attrs',
  'connect_timeout',
  'application_name',
];

function bad(url: string, problem: string, fix: string): UserError {
  return new UserError(`opsconsole: store: ${problem} in ${redactUrl(url)}\n  fix: ${fix}`, 2);
}

/** The URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/?]*):[^@/?]*@/, '$1:***@');
}

/**
 * Reads a `postgres://` URL as libpq does: several `host:port` before the path (failover), the
 * database, user and password, and the query's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`,
 * `target_session_attrs`, `connect_timeout` and `application_name`; the environment's `PGPASSWORD`
 * and a `~/.pgpass`-style file when the URL has no password. One difference, on purpose: with no
 * `sslmode` the server's certificate is verified (`verify-full`), where libpq would settle for
 * `prefer`; `?sslmode=disable` says plainly that a loopback server needs none.
 */
export function connectionOptions(url: string, env: NodeJS.ProcessEnv = process.env): PgConnection {
  const m = /^(postgres(?:ql)?):\/\/(?:([^@/?]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!m)
    throw bad(
      url,
      'expected a URL such as postgres://user@db.example:5432/opsconsole',
      'write it as libpq reads it',
    );
  const [, , auth, hostPart, dbPart, query] = m;
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys())
    if (!KNOWN_PARAMS.includes(key))
      throw bad(url, `unknown parameter "${key}"`, `use only ${KNOWN_PARAMS.join(', ')}`);
  const [userPart, passPart] = (auth ?? '').split(':', 2) as [string, string | undefined];
  const user = decode(url, userPart) || env.PGUSER || userInfo().username;
  const database = decode(url, dbPart ?? '') || env.PGDATABASE || user;
  const hosts = hostsOf(url, hostPart ?? '', env);
  const warnings: string[] = [];
  let password = passPart !== undefined ? decode(url, passPart) : env.PGPASSWORD || undefined;
  if (password === undefined) {
    const first = hosts[0] as { host: string; port: number };
    const found = pgpassPassword({ ...first, database, user }, env);
    if (found.warning) warnings.push(found.warning);
    password = found.password;
  }
  const sslmode = params.get('sslmode') ?? 'verify-full';
  if (!(SSL_MODES as readonly string[]).includes(sslmode))
    throw bad(url, `sslmode "${sslmode}" is not one libpq knows`, `use one of ${SSL_MODES.join(', ')}`);
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!(SESSION_ATTRS as readonly string[]).includes(attrs))
    throw bad(
      url,
      `target_session_attrs "${attrs}" is not one libpq knows`,
      `use one of ${SESSION_ATTRS.join(', ')}`,
    );
  const timeout = Number(params.get('connect_timeout') ?? '5');
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300)
    throw bad(url, 'connect_timeout must be whole seconds from 1 to 300', 'such as connect_timeout=5');
  return {
    hosts,
    database,
    user,
    ...(password !== undefined && { password }),
    ssl: sslOptions(url, sslmode as (typeof SSL_MODES)[number], params),
    ...(attrs !== 'any' && { targetSessionAttrs: attrs as PgConnection['targetSessionAttrs'] }),
    connectTimeoutSeconds: timeout,
    applicationName: params.get('application_name') ?? 'opsconsole',
    where: redactUrl(url).replace(/\?.*$/, ''),
    warnings,
  };
}

function decode(url: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad(url, 'a badly escaped character', 'escape % as %25');
  }
}

function hostsOf(url: string, hostPart: string, env: NodeJS.ProcessEnv): { host: string; port: number }[] {
  const defaultPort = Number(env.PGPORT || 5432);
  if (hostPart === '') return [{ host: env.PGHOST || 'localhost', port: defaultPort }];
  return hostPart.split(',').map((h) => {
    const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
    const [host, port] = ipv6
      ? [ipv6[1] as string, ipv6[2]]
      : (h.split(':', 2) as [string, string | undefined]);
    const n = port === undefined || port === '' ? defaultPort : Number(port);
    if (host === '' || !Number.isInteger(n) || n < 1 || n > 65535)
      throw bad(url, `"${h}" is not a host:port`, 'write each host as name:port, separated by commas');
    return { host: decode(url, host), port: n };
  });
}

/** TLS as libpq's sslmode means it; certificates as libpq finds them (the URL, then ~/.postgresql). */
function sslOptions(
  url: string,
  mode: (typeof SSL_MODES)[number],
  params: URLSearchParams,
): false | 'prefer' | TlsSettings {
  if (mode === 'disable') return false;
  if (mode === 'allow' || mode === 'prefer') return 'prefer';
  const dir = join(homedir(), '.postgresql');
  const file = (param: string, fallback: string): Buffer | undefined => {
    const given = params.get(param);
    const path = given ?? join(dir, fallback);
    if (given === 'system' && param === 'sslrootcert') return undefined;
    if (!given && !existsSync(path)) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw bad(
        url,
        `cannot read ${param} ${path} (${(err as NodeJS.ErrnoException).code})`,
        'point it at a readable PEM file',
      );
    }
  };
  const ca = file('sslrootcert', 'root.crt');
  const cert = file('sslcert', 'postgresql.crt');
  const key = file('sslkey', 'postgresql.key');
  const client = { ...(cert && { cert }), ...(key && { key }) };
  if (mode === 'require') return { verify: 'none', ...client };
  return { verify: mode === 'verify-ca' ? 'chain' : 'chain-and-name', ...(ca && { ca }), ...client };
}
