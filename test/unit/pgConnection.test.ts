import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions, redactUrl } from '../../src/incident/postgres/connectionOptions';
import { pgpassPassword } from '../../src/incident/postgres/pgpass';
import { problemOf } from '../../src/incident/postgres/sqlProblems';
import { UserError } from '../../src/userError';

const dir = mkdtempSync(join(tmpdir(), 'oc-pgconn-'));
const noEnv = { PGPASSFILE: join(dir, 'none') };

describe('a postgres:// URL read as libpq reads it', () => {
  it('takes several hosts in order, the database, user and password', () => {
    const c = connectionOptions(
      'postgres://ops:s%40cret@db1.example:5433,db2.example,[::1]:6000/incidents?sslmode=disable&target_session_attrs=read-write',
      noEnv,
    );
    expect(c.hosts).toEqual([
      { host: 'db1.example', port: 5433 },
      { host: 'db2.example', port: 5432 },
      { host: '::1', port: 6000 },
    ]);
    expect(c).toMatchObject({ database: 'incidents', user: 'ops', password: 's@cret', ssl: false });
    expect(c.targetSessionAttrs).toBe('read-write');
    // The password never reaches a message.
    expect(c.where).toBe('postgres://ops:***@db1.example:5433,db2.example,[::1]:6000/incidents');
  });

  it('verifies the server by default, and maps each sslmode', () => {
    expect(connectionOptions('postgres://a@h/d', noEnv).ssl).toEqual({ verify: 'chain-and-name' });
    expect(connectionOptions('postgres://a@h/d?sslmode=verify-ca', noEnv).ssl).toEqual({ verify: 'chain' });
    expect(connectionOptions('postgres://a@h/d?sslmode=require', noEnv).ssl).toEqual({ verify: 'none' });
    expect(connectionOptions('postgres://a@h/d?sslmode=prefer', noEnv).ssl).toBe('prefer');
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'PEM');
    expect(connectionOptions(`postgres://a@h/d?sslrootcert=${ca}`, noEnv).ssl).toMatchObject({
      verify: 'chain-and-name',
      ca: Buffer.from('PEM'),
    });
  });

  it('takes the password from PGPASSWORD, then a pgpass file that only its owner reads', () => {
    expect(connectionOptions('postgres://a@h/d', { ...noEnv, PGPASSWORD: 'fromenv' }).password).toBe(
      'fromenv',
    );
    const pass = join(dir, 'pgpass');
    writeFileSync(pass, '# comment\nother:*:*:*:no\nh:5432:d:a:pa\\:ss\n*:*:*:*:fallback\n');
    chmodSync(pass, 0o600);
    expect(connectionOptions('postgres://a@h/d', { PGPASSFILE: pass }).password).toBe('pa:ss');
    expect(connectionOptions('postgres://b@h/d', { PGPASSFILE: pass }).password).toBe('fallback');
    chmodSync(pass, 0o644);
    const open = connectionOptions('postgres://a@h/d', { PGPASSFILE: pass });
    expect(open.password).toBeUndefined();
    expect(open.warnings.join()).toMatch(/may be read by others.*\n.*chmod 600/s);
    expect(pgpassPassword({ host: 'h', port: 5432, database: 'd', user: 'a' }, noEnv)).toEqual({});
  });

  it('refuses what libpq would not read, as a usage error naming the fix', () => {
    for (const [url, problem] of [
      ['mysql://h/d', /expected a URL such as postgres:\/\//],
      ['postgres://h/d?sslmode=maybe', /sslmode "maybe"/],
      ['postgres://h/d?target_session_attrs=fast', /target_session_attrs "fast"/],
      ['postgres://h/d?pool=5', /unknown parameter "pool"/],
      ['postgres://h:99999/d', /"h:99999" is not a host:port/],
      ['postgres://u:%zz@h/d', /badly escaped/],
      ['postgres://h/d?connect_timeout=0', /connect_timeout/],
    ] as const) {
      let caught: unknown;
      try {
        connectionOptions(url, noEnv);
      } catch (err) {
        caught = err;
      }
      expect(caught, url).toBeInstanceOf(UserError);
      expect((caught as UserError).exitCode).toBe(2);
      expect((caught as Error).message).toMatch(problem);
      expect((caught as Error).message).toMatch(/fix: /);
    }
    expect(redactUrl('postgres://u:topsecret@h/d')).toBe('postgres://u:***@h/d');
  });
});

describe('what a database error means for the journal', () => {
  it('tells waiting (the outbox takes the record) from refusing (the operator must act)', () => {
    for (const code of ['ECONNREFUSED', '57P01', '25006', '08006', 'NO_ACCEPTABLE_HOST'])
      expect(problemOf({ code, message: 'x' }).problem, code).toBe('unavailable');
    expect(
      problemOf({ code: '42501', message: 'permission denied for table opsconsole_journal' }),
    ).toMatchObject({
      problem: 'refused',
      message: expect.stringMatching(/store init --grant/),
    });
    expect(problemOf({ code: '42P01', message: 'relation does not exist' }).problem).toBe('version');
    expect(
      problemOf({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }).message,
    ).toMatch(/sslrootcert/);
  });
});
