import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalScreens } from '../../src/cli/serveSession';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { startSharedSession } from '../../src/session/consoleSession';
import { SharedConsole } from '../../src/session/sharedConsole';
import { startSshServer } from '../../src/transport/sshServer';
import { waitUntil } from '../helpers/processes';
import { PtyTerminal } from '../helpers/ptyTerminal';
import { bareSessionOptions } from '../helpers/sessionOptions';

// `opsconsole serve`'s SSH server in this process, with short deadlines, the real screens behind it,
// and the real OpenSSH client and raw sockets in front: what a stranger may cost it before logging in.
const dir = mkdtempSync(join(tmpdir(), 'oc-serve-limits-'));
const keysPath = join(dir, 'authorized_keys');
const key = (name: string) => join(dir, name);
const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
const log: string[] = [];
const LIMITS = { bannerTimeoutMs: 1000, loginGraceMs: 2000, maxStartups: { start: 5, rate: 30, full: 20 } };
let server: Awaited<ReturnType<typeof startSshServer>>;
let shared: ReturnType<typeof startSharedSession>;
const goodKeys = () => [`name="alice",role="commander" ${pub('alice')}`, pub('bob'), ''].join('\n');

beforeAll(async () => {
  for (const name of ['alice', 'bob'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@laptop`, '-f', key(name)]);
  writeFileSync(keysPath, goodKeys());
  shared = startSharedSession(bareSessionOptions('shop', join(dir, 'state')));
  server = await startSshServer({
    host: '127.0.0.1',
    port: 0,
    hostKeyPath: join(dir, 'host_key'),
    authorizedKeysPath: keysPath,
    loginLimits: LIMITS,
    onSession: terminalScreens(shared, new SharedConsole(shared), DEFAULT_THRESHOLDS.critical.above),
    log: (line) => log.push(line),
  });
});

afterAll(async () => {
  await server?.stop();
  await shared?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw TCP connection to the server; `closed` settles when the server (or we) close it. */
function rawConnection(): { socket: Socket; closed: Promise<void>; greeting: Promise<string> } {
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  const greeting = new Promise<string>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\n')) resolve(received);
    });
    socket.once('close', () => resolve(received));
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, greeting };
}

/** The real OpenSSH client, no command: 'in' once it has authenticated, else what it said. */
function login(name: string): Promise<string> {
  return new Promise((resolve) => {
    const ssh: ChildProcess = spawn('ssh', [
      ...['-p', String(server.port), '-i', key(name), '-N', '-v'],
      ...['-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'BatchMode=yes'],
      ...['-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '127.0.0.1'],
    ]);
    let said = '';
    ssh.stderr?.on('data', (d: Buffer) => {
      said += d.toString();
      if (/Authenticated to/.test(said)) {
        ssh.kill();
        resolve('in');
      }
    });
    ssh.once('exit', () => resolve(said));
  });
}

/** What a terminal would show of some output: its escape sequences taken out. */
const visible = (output: string) =>
  output.replace(
    /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[()][0-9A-Za-z]|\u001b[=>78]/g,
    '',
  );

/**
 * The widest line of a frame, as a terminal would show it: a carriage return or a cursor movement
 * starts writing at another place (a one-row terminal redraws its line in place, with no newline).
 */
const widest = (frame: string) =>
  Math.max(
    ...visible(frame.replace(/\u001b\[[0-9;?]*[A-HJf]/g, '\n'))
      .split(/[\r\n]+/)
      .map((l) => [...l].length),
  );

/** The console's header, drawn at the top of every frame. */
const drawn = (output: string) => /opsconsole · shop/.test(visible(output));

/**
 * An SSH shell opened by ssh2's client as alice at a size; once output comes, resized, and read
 * until `until` holds for what came after the resizes (or, with none, for all of it).
 */
function shellAt(
  columns: number,
  rows: number,
  resizes: [number, number][],
  until: (output: string) => boolean = drawn,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let text = '';
    const deadline = setTimeout(() => {
      client.end();
      reject(new Error(`${columns}x${rows} then ${JSON.stringify(resizes)}: nothing drawn within 15 s`));
    }, 15_000);
    const done = () => {
      clearTimeout(deadline);
      client.end();
      resolve(text);
    };
    client.on('error', (err) => reject(err));
    client.on('ready', () =>
      client.shell({ term: 'xterm', cols: columns, rows, width: 0, height: 0 }, (err, stream) => {
        if (err) return reject(err);
        let resized = resizes.length === 0;
        stream.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          if (!resized) {
            resized = true;
            for (const [c, r] of resizes) stream.setWindow(r, c, 0, 0);
            text = '';
          } else if (until(text)) done();
        });
      }),
    );
    client.connect({
      host: '127.0.0.1',
      port: server.port,
      username: 'alice',
      privateKey: readFileSync(key('alice')),
    });
  });
}

describe('opsconsole serve before anyone logs in', () => {
  it('closes a connection that sends no banner, and one that sends a banner but never authenticates, saying which deadline', async () => {
    const silent = rawConnection();
    const bannerOnly = rawConnection();
    bannerOnly.socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    await silent.closed;
    await bannerOnly.closed;
    expect(log.join('\n')).toMatch(/127\.0\.0\.1:\d+: no SSH banner within 1 s; closed/);
    expect(log.join('\n')).toMatch(/127\.0\.0\.1:\d+: not authenticated within 2 s; closed/);
    await waitUntil(() => server.startups() === 0, 10_000, 'no connection left unauthenticated');
  });

  it('refuses connections past max-startups, says so once per burst, and lets a real ssh in once they are gone', async () => {
    const flood = Array.from({ length: 60 }, () => rawConnection());
    await waitUntil(
      () => flood.every((c) => !c.socket.connecting),
      10_000,
      'every connection accepted or refused',
    );
    expect(server.startups()).toBeLessThanOrEqual(LIMITS.maxStartups.full);
    const refusals = () =>
      log.filter((l) =>
        /refused: \d+ connections have not authenticated yet \(max-startups 5:30:20\)/.test(l),
      );
    // A client sees its connection accepted before the server has logged the refusal: wait for it.
    await waitUntil(() => refusals().length > 0, 10_000, 'the refusal logged');
    expect(refusals()).toHaveLength(1);
    await Promise.all(flood.map((c) => c.closed));
    await waitUntil(() => server.startups() === 0, 10_000, 'the flood gone');
    expect(await login('alice')).toBe('in');
    // Clients that send their banner and hang up at once, a few at a time: routine, not a line each.
    for (let batch = 0; batch < 10; batch++)
      await Promise.all(
        Array.from({ length: 4 }, () => {
          const c = rawConnection();
          c.socket.end('SSH-2.0-OpenSSH_9.6\r\n');
          return c.closed;
        }),
      );
    // Nor is a client gone (ssh killed): no "undefined:undefined: write EPIPE".
    expect(log.join('\n')).not.toMatch(/undefined|EPIPE|ECONNRESET/);
  });

  it('renders a screen at 500x200 at most, however big a terminal says it is, at login and on resize', async () => {
    const atLogin = await shellAt(10_000, 10_000, [], (output) => widest(output) >= 500);
    expect(widest(atLogin)).toBe(500);
    // Drawn wider than before the resize, and no wider than the bound.
    const resized = await shellAt(80, 24, [[0xffffffff, 0xffffffff]], (output) => widest(output) >= 500);
    expect(widest(resized)).toBe(500);
  });

  it('stays up under random bytes, truncated banners and random terminal sizes; a real ssh logs in after', async () => {
    const size = fc.oneof(
      fc.integer({ min: 0, max: 400 }),
      fc.constantFrom(0, 1, 2, 10_000, 65_535, 0xffffffff),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    const BANNER = 'SSH-2.0-OpenSSH_9.6\r\n';
    const attack = fc.oneof(
      fc.record({
        kind: fc.constant('bytes' as const),
        data: fc.uint8Array({ maxLength: 4096 }),
        hold: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('banner' as const),
        cut: fc.integer({ min: 0, max: BANNER.length }),
        data: fc.uint8Array({ maxLength: 2048 }),
        hold: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('terminal' as const),
        columns: size,
        rows: size,
        resizes: fc.array(fc.tuple(size, size), { maxLength: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(attack, async (a) => {
        if (a.kind === 'terminal') {
          // Whatever came before, the screen still draws the console once the terminal is 80x24 again.
          const frame = await shellAt(a.columns, a.rows, [...a.resizes, [80, 24]]);
          expect(widest(frame)).toBeLessThanOrEqual(500);
        } else {
          const c = rawConnection();
          const prefix = a.kind === 'banner' ? Buffer.from(BANNER.slice(0, a.cut)) : Buffer.alloc(0);
          c.socket.write(Buffer.concat([prefix, a.data]));
          // Held open, the server's deadline closes it; else the client hangs up.
          if (!a.hold) c.socket.end();
          await c.closed;
        }
        // Still serving: a new connection gets its banner.
        const probe = rawConnection();
        expect(await probe.greeting).toMatch(/^SSH-2\.0-opsconsole/);
        probe.socket.destroy();
      }),
      { numRuns: 30 },
    );
    await waitUntil(() => server.startups() === 0, 10_000, 'every fuzzing connection gone');
    const alice = new PtyTerminal(
      'ssh',
      [
        ...['-p', String(server.port), '-i', key('alice'), '-tt', '-o', 'IdentitiesOnly=yes'],
        ...['-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`],
        '127.0.0.1',
      ],
      { columns: 100, rows: 30, env: { HOME: dir } },
    );
    try {
      await alice.waitFor(/opsconsole · shop/);
    } finally {
      alice.kill('SIGKILL');
    }
  });
});

describe('the authorized-keys file of a running opsconsole serve', () => {
  it('refuses every key, loudly, while the file cannot be parsed or read, never falling back on the copy before', async () => {
    expect(await login('bob')).toBe('in');
    // bob removed, and a typo on another line.
    writeFileSync(keysPath, [`name="alice",role="comander" ${pub('alice')}`, ''].join('\n'));
    expect(await login('bob')).toMatch(/Permission denied \(publickey\)/);
    expect(await login('alice')).toMatch(/Permission denied \(publickey\)/);
    expect(log.join('\n')).toMatch(
      /REFUSING EVERY KEY until the authorized-keys file is fixed: \S+authorized_keys:1: role must be commander, responder or viewer; got "comander"/,
    );
    // Fixed: alice is in, bob, removed, is not.
    writeFileSync(keysPath, [`name="alice",role="commander" ${pub('alice')}`, ''].join('\n'));
    expect(await login('alice')).toBe('in');
    expect(await login('bob')).toMatch(/Permission denied \(publickey\)/);
    // Deleted: nobody.
    rmSync(keysPath);
    expect(await login('alice')).toMatch(/Permission denied \(publickey\)/);
    expect(log.join('\n')).toMatch(/REFUSING EVERY KEY [^\n]*authorized_keys: cannot read it \(ENOENT\)/);
    expect(log.join('\n')).not.toMatch(/keeping the keys read before/);
    writeFileSync(keysPath, goodKeys());
  });
});
