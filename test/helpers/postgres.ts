import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/freePort';

const BIN = '/usr/lib/postgresql/15/bin';

/** The `postgres` system user's ids: PostgreSQL refuses to run as root, so its files are its own. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user: install postgresql-15 (.ci/run does)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function asPostgres(args: string[], options: { allowFail?: boolean } = {}): string {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 && !options.allowFail)
    throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * A real PostgreSQL 15 (Debian's), started for a test as the `postgres` user on a loopback port,
 * trusting local connections, with `oc` as its superuser and `console` as a role that may only
 * log in (the tests grant it what `store init --grant` grants). `replica()` adds a streaming
 * replica made by `pg_basebackup -R`, which `promote()` makes the primary.
 */
export class TestPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-pg-'));
  port = 0;
  replicaPort = 0;

  async start(): Promise<void> {
    const { uid, gid } = postgresUser();
    chownSync(this.dir, uid, gid);
    this.port = await freePort();
    asPostgres([`${BIN}/initdb`, '-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'oc', '--no-sync']);
    this.startServer('data', this.port);
    this.psql('create role console login');
    this.psql('create database ops owner oc');
  }

  private startServer(dataDir: string, port: number): void {
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${this.dir} -c fsync=on`;
    asPostgres([
      `${BIN}/pg_ctl`,
      '-D',
      join(this.dir, dataDir),
      '-o',
      options,
      '-l',
      join(this.dir, `${dataDir}.log`),
      '-w',
      'start',
    ]);
  }

  /** A URL for `user` (oc: the owner; console: the console's role), over every server running. */
  url(user = 'console', extra = ''): string {
    const hosts = [this.port, ...(this.replicaPort ? [this.replicaPort] : [])]
      .map((p) => `127.0.0.1:${p}`)
      .join(',');
    return `postgres://${user}@${hosts}/ops?sslmode=disable${extra}`;
  }

  psql(sql: string, port = this.port, db = 'postgres'): string {
    return execFileSync(
      'psql',
      [
        '-X',
        '-q',
        '-t',
        '-A',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'oc',
        '-d',
        db,
        '-c',
        sql,
      ],
      {
        encoding: 'utf8',
      },
    ).trim();
  }

  async replica(): Promise<void> {
    this.replicaPort = await freePort();
    asPostgres([
      `${BIN}/pg_basebackup`,
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'oc',
      '-D',
      join(this.dir, 'replica'),
      '-R',
      '-c',
      'fast',
    ]);
    this.startServer('replica', this.replicaPort);
  }

  /** The primary, killed as a crash kills it: no shutdown, no last words. */
  killPrimary(): void {
    const pid = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
  }

  promote(): void {
    asPostgres([`${BIN}/pg_ctl`, '-D', join(this.dir, 'replica'), '-w', 'promote']);
  }

  stopPrimary(): void {
    asPostgres([`${BIN}/pg_ctl`, '-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop'], {
      allowFail: true,
    });
  }

  startPrimary(): void {
    this.startServer('data', this.port);
  }

  stop(): void {
    for (const d of ['replica', 'data'])
      asPostgres([`${BIN}/pg_ctl`, '-D', join(this.dir, d), '-m', 'immediate', '-w', 'stop'], {
        allowFail: true,
      });
    // Children of a SIGKILLed postmaster end on their own once they notice; the directory goes anyway.
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function makeDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}
