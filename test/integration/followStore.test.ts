import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storePath } from '../../src/logstore/storeFile';
import { BIN } from '../helpers/cli';

describe('opsconsole logs --follow --store', () => {
  const home = mkdtempSync(join(tmpdir(), 'oc-follow-store-'));
  const stateDir = join(home, 'state');
  const env = { ...process.env, OPSCONSOLE_STATE_DIR: stateDir, XDG_CONFIG_HOME: join(home, 'config') };

  it('keeps every line followed, filtered or not, for --stored to answer, and says how many', () => {
    const input = join(home, 'api.log');
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({
        time: new Date(Date.UTC(2026, 11, 2, 3, 0, 0) + i * 10).toISOString(),
        level: i % 100 === 7 ? 'error' : 'info',
        msg: i % 100 === 7 ? 'upstream timed out' : 'GET /orders',
        request_id: `req-${i}`,
      }),
    );
    writeFileSync(input, `${lines.join('\n')}\n`);
    const followed = spawnSync(
      BIN,
      ['logs', '--follow', '--store', '--env', 'lab', '--level', 'error', '--cmd', `cat ${input}`],
      { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(followed.status).toBe(0);
    // What it printed is filtered; what it kept is everything.
    expect(followed.stdout.trim().split('\n')).toHaveLength(25);
    expect(followed.stderr).toBe(
      `opsconsole: logs: stored 2500 of 2500 lines in ${storePath(stateDir, 'lab')}\n`,
    );
    expect(statSync(storePath(stateDir, 'lab')).mode & 0o777).toBe(0o600);

    const one = spawnSync(BIN, ['logs', '--stored', '--env', 'lab', '--request-id', 'req-1207', '--json'], {
      env,
      encoding: 'utf8',
    });
    expect(
      one.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).requestId),
    ).toEqual(['req-1207']);
    const all = spawnSync(BIN, ['logs', '--stored', '--env', 'lab'], { env, encoding: 'utf8' });
    expect(all.stdout.trim().split('\n')).toHaveLength(2500);
  });

  it('sets a store found damaged while writing aside, keeps it, and stores the lines in a new one', () => {
    const input = join(home, 'more.log');
    writeFileSync(
      input,
      `${Array.from({ length: 3000 }, (_, i) => JSON.stringify({ msg: `line ${i} ${Math.random().toString(36).repeat(4)}` })).join('\n')}\n`,
    );
    const follow = () =>
      spawnSync(BIN, ['logs', '--follow', '--store', '--env', 'dmg', '--cmd', `cat ${input}`], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    expect(follow().status).toBe(0);
    // Pages 3 to 8 overwritten, as a bad disk would: the first page opens, the tables do not.
    const path = storePath(stateDir, 'dmg');
    const fd = openSync(path, 'r+');
    writeSync(fd, randomBytes(6 * 4096), 0, 6 * 4096, 3 * 4096);
    closeSync(fd);
    const again = follow();
    expect(again.status).toBe(0);
    const aside = readdirSync(join(stateDir, 'logs')).filter((f) => /^dmg\.db\.damaged-[\dT-]+Z$/.test(f));
    expect(aside).toHaveLength(1);
    expect(again.stderr).toContain(
      `the log store was found damaged while writing; it was kept as ${join(stateDir, 'logs', aside[0] as string)} and a new one started`,
    );
    expect(again.stderr).toMatch(/stored 3000 of 3000 lines/);
    const stored = spawnSync(BIN, ['logs', '--stored', '--env', 'dmg'], { env, encoding: 'utf8' });
    expect(stored.stdout.trim().split('\n')).toHaveLength(3000);
  });

  it('refuses --store without --follow, and --stored with --store, with exit 2', () => {
    const alone = spawnSync(BIN, ['logs', '--store', '--cmd', 'true'], { env, encoding: 'utf8' });
    expect(alone.status).toBe(2);
    expect(alone.stderr).toBe('opsconsole: logs: --store keeps what is followed; it goes with --follow\n');
    const both = spawnSync(BIN, ['logs', '--stored', '--store', '--env', 'lab'], { env, encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--stored reads what the console kept; it does not go with --store/);
  });
});
