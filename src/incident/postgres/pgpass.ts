import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PgpassQuery {
  host: string;
  port: number;
  database: string;
  user: string;
}

/**
 * The password a `~/.pgpass`-style file gives (libpq's format: `host:port:database:user:password`,
 * `*` for any, `\:` and `\\` escaped), or undefined. As libpq does, a file that others may read is
 * not used; the reason comes back so it can be said. Written here rather than taken from the
 * `pgpass` package because that one is stream- and callback-based, and the journal thread needs
 * one synchronous answer per connection attempt.
 */
export function pgpassPassword(
  q: PgpassQuery,
  env: NodeJS.ProcessEnv = process.env,
): { password?: string; warning?: string } {
  const path = env.PGPASSFILE || join(homedir(), '.pgpass');
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return {};
    if ((st.mode & 0o077) !== 0)
      return {
        warning: `${path} may be read by others, so it is not used (as psql does).\n  fix: chmod 600 ${path}`,
      };
    // A password file is a few lines; a huge one is not read whole into memory.
    if (st.size > 1024 * 1024) return { warning: `${path} is over 1 MiB, so it is not read` };
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitEscaped(line);
    if (fields.length < 5) continue;
    const [host, port, database, user] = fields as [string, string, string, string];
    const password = fields.slice(4).join(':');
    const hostMatches =
      host === '*' || host === q.host || (host === 'localhost' && (q.host.startsWith('/') || q.host === ''));
    if (
      hostMatches &&
      (port === '*' || port === String(q.port)) &&
      (database === '*' || database === q.database) &&
      (user === '*' || user === q.user)
    )
      return { password };
  }
  return {};
}

/** Fields separated by `:`, with `\:` and `\\` taken as the characters themselves. */
function splitEscaped(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === ':') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
