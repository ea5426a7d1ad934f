import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const dir = mkdtempSync(join(tmpdir(), 'oc-serve-'));
const stateDir = join(dir, 'state');
const key = (name: string) => join(dir, name);
let server: ChildProcess;
let serverLog = '';
let port = 0;
const terminals: PtyTerminal[] = [];

/** The real OpenSSH client in a pseudo-terminal, as a responder would run it. */
function responder(name: string, columns = 80, rows = 24): PtyTerminal {
  const t = new PtyTerminal('ssh', [...sshOptions(name), '-tt', '127.0.0.1'], {
    columns,
    rows,
    env: { HOME: dir },
  });
  terminals.push(t);
  return t;
}

function sshOptions(name: string): string[] {
  return [
    '-p',
    String(port),
    '-i',
    key(name),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'BatchMode=yes',
  ];
}

const ssh = (name: string, ...args: string[]) =>
  promisify(execFile)('ssh', [...sshOptions(name), ...args], { encoding: 'utf8', timeout: 20_000 }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }),
  );

const journal = () => {
  const incidents = join(stateDir, 'incidents');
  const file = readdirSync(incidents).find((f) => f.endsWith('.jsonl')) as string;
  return readFileSync(join(incidents, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; actor: string; payload: Record<string, unknown> });
};

beforeAll(async () => {
  for (const name of ['alice', 'bob', 'carol', 'mallory'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@laptop`, '-f', key(name)]);
  const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
  writeFileSync(
    join(dir, 'authorized_keys'),
    [
      '# who may join the shared console',
      `name="alice",role="commander" ${pub('alice')}`,
      pub('bob'), // named by its comment, a responder by default
      `role="viewer" ${pub('carol')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'api.log'), '');
  writeFileSync(
    join(dir, 'config.yaml'),
    `environments:\n  shop:\n    services:\n      api:\n        logs: [{ file: ${join(dir, 'api.log')} }]\n`,
  );
  server = spawn(
    BIN,
    [
      'serve',
      '--config',
      join(dir, 'config.yaml'),
      '--authorized-keys',
      join(dir, 'authorized_keys'),
      '--listen',
      '127.0.0.1:0',
    ],
    { env: { ...process.env, OPSCONSOLE_STATE_DIR: stateDir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  server.stderr?.on('data', (d: Buffer) => {
    serverLog += d.toString();
  });
  await waitUntil(() => /on 127\.0\.0\.1:(\d+)/.test(serverLog), 20_000, 'the server listening');
  port = Number(/on 127\.0\.0\.1:(\d+)/.exec(serverLog)?.[1]);
});

afterAll(async () => {
  for (const t of terminals) {
    try {
      process.kill(t.pid, 'SIGCONT');
      t.kill('SIGKILL');
    } catch {}
  }
  server?.kill('SIGTERM');
  await new Promise((r) => server?.once('exit', r));
});

/** Starts another server on a keys file; its stderr once it listens (then stopped) or exits, and its code. */
async function serveWithKeys(keysText: string): Promise<{ said: string; code: number | null }> {
  const keysFile = join(dir, `keys-${Math.random().toString(36).slice(2)}`);
  writeFileSync(keysFile, keysText);
  const other = spawn(
    BIN,
    ['serve', '--config', join(dir, 'config.yaml'), '--authorized-keys', keysFile, '--listen', '127.0.0.1:0'],
    { env: { ...process.env, OPSCONSOLE_STATE_DIR: stateDir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let said = '';
  other.stderr?.on('data', (d: Buffer) => {
    said += d.toString();
    if (/ on 127\.0\.0\.1:\d+/.test(said)) other.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((resolve) => other.once('exit', resolve));
  return { said, code };
}

describe('opsconsole serve: one live incident, a console each, over the real OpenSSH client', () => {
  it('prints a host key fingerprint that is the key ssh-keygen reads, and keeps that key private', () => {
    const fingerprint = /host key (SHA256:\S+)/.exec(serverLog)?.[1];
    const hostKey = join(stateDir, 'serve', 'host_key');
    expect(execFileSync('ssh-keygen', ['-lf', hostKey], { encoding: 'utf8' })).toContain(fingerprint);
    expect(statSync(hostKey).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir, 'serve')).mode & 0o777).toBe(0o700);
  });

  it('will not start on a keys file in doubt (exit 2, file:line), and warns when it names nobody', async () => {
    const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
    const twice = await serveWithKeys(`name="alice" ${pub('alice')}\nrole="commander" ${pub('alice')}\n`);
    expect(twice.code).toBe(2);
    expect(twice.said).toMatch(/keys-\w+:2: the same key as line 1 \(alice, responder\): one line per key/);
    expect(twice.said).not.toMatch(/\n\s+at /);
    const empty = await serveWithKeys('# nobody yet\n');
    expect(empty.said).toMatch(/warning: \S+ holds no keys: nobody can connect until one is added/);
  });

  it('refuses an unknown key, passwords, commands and port forwarding', async () => {
    const unknown = await ssh('mallory', '-tt', '127.0.0.1');
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toMatch(/Permission denied \(publickey\)/);
    const password = await ssh(
      'mallory',
      '-o',
      'PreferredAuthentications=password,keyboard-interactive',
      '127.0.0.1',
    );
    expect(password.stderr).toMatch(/Permission denied \(publickey\)/);
    const exec = await ssh('bob', '127.0.0.1', 'cat /etc/passwd');
    expect(exec.code).not.toBe(0);
    const forward = await ssh(
      'bob',
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      '-R',
      '0:127.0.0.1:9',
      '127.0.0.1',
    );
    expect(forward.code).toBe(255);
    expect(forward.stderr).toMatch(/forwarding failed/i);
    expect(serverLog).toMatch(/refused an unknown key SHA256:/);
  });

  it('three responders share one incident, each with their own view; roles hold; the commander hands over; a stopped client costs the others nothing', async () => {
    const alice = responder('alice');
    const bob = responder('bob');
    const carol = responder('carol', 100, 40);
    for (const t of [alice, bob, carol]) await t.waitFor(/opsconsole · shop/);
    // Everyone sees who is here: the commander starred, the viewer marked.
    await carol.waitFor(/alice★/);
    await carol.waitFor((s) => /bob/.test(s) && /carol\(v\)/.test(s));
    // Their own views: carol's timeline open does not move anyone else's.
    carol.press('t');
    await carol.waitFor(/Timeline/);
    expect(alice.text()).not.toMatch(/Timeline/);
    // A viewer changes nothing.
    carol.press('D');
    await carol.waitFor(/carol: viewers read/);
    // The commander declares; bob adds a note; both reach the others.
    alice.press('D');
    await alice.waitFor(/Incident title/);
    alice.press(KEYS.ctrlU);
    await alice.waitFor(/║ > █ +║/);
    alice.press(`checkout errors${KEYS.enter}`);
    await alice.waitFor(/Severity for "checkout errors"/);
    alice.press('1');
    await carol.waitFor(/Incident declared: checkout errors \(P1\), commander alice/);
    bob.press('n');
    await bob.waitFor(/Note/);
    bob.press(`db team looking${KEYS.enter}`);
    await carol.waitFor(/Note: db team looking/);
    await alice.waitFor(/P1 INVESTIGATING/);
    // A responder may note but not command.
    bob.press('S');
    await bob.waitFor(/bob: only the commander \(alice\) can do that/);
    // The hand-over: on the record, and bob commands from then on.
    alice.press('H');
    await alice.waitFor(/Hand the commander role to \(bob\)/);
    alice.press(`bob${KEYS.enter}`);
    await carol.waitFor(/bob is commander/);
    await carol.waitFor(/bob★/);
    bob.press('S');
    await bob.waitFor(/Status/);
    bob.press('2');
    await carol.waitFor(/Status: identified/);
    // The commander starts the triage; alice may watch it but not answer, until handed the steps.
    bob.press('T');
    await bob.waitFor(/Triage/);
    alice.press('T');
    await alice.waitFor(/Triage/);
    alice.press('y');
    await alice.waitFor(/alice: only the commander \(bob\)/);
    bob.press('g');
    await bob.waitFor(/Hand the triage's steps to \(alice\b/);
    bob.press(`alice${KEYS.enter}`);
    await carol.waitFor(/alice drives the triage's steps/);
    alice.press('y');
    await carol.waitFor(/Answered|answered/);
    for (const t of [alice, bob]) {
      t.press(KEYS.escape);
      await t.waitFor((screen) => !/Triage/.test(screen));
    }
    // One client stops reading (its ssh is stopped): the others go on as before.
    process.kill(bob.pid, 'SIGSTOP');
    for (let i = 1; i <= 12; i++) {
      alice.press('n');
      await alice.waitFor(/Note\s*║/);
      alice.press(`while bob is away ${i}${KEYS.enter}`);
      await carol.waitFor(new RegExp(`while bob is away ${i}\\b`));
    }
    // Back, bob's screen shows the newest state (frames in between were dropped, not queued).
    process.kill(bob.pid, 'SIGCONT');
    // Everything recorded reaches his screen (the newest note here; the timeline follows the last row).
    bob.press('t');
    await bob.waitFor(/Timeline inc-/);
    bob.press('G');
    await bob.waitFor(/while bob is away 12/);
    // Who did what, by name, in the journal and the draft.
    const records = journal();
    expect(records.map((r) => [r.kind, r.actor])).toEqual(
      expect.arrayContaining([
        ['incident.declared', 'alice'],
        ['note', 'bob'],
        ['incident.role', 'alice'],
        ['incident.status', 'bob'],
        ['decision.answered', 'alice'],
      ]),
    );
    expect(records.find((r) => r.kind === 'incident.role')?.payload).toEqual({
      role: 'commander',
      person: 'bob',
    });
    expect(records.some((r) => r.actor === 'carol')).toBe(false);
    bob.press('e');
    await bob.waitFor(/draft written|exported/i);
    const draftDir = join(stateDir, 'exports');
    const draft = readFileSync(join(draftDir, readdirSync(draftDir)[0] as string), 'utf8');
    expect(draft).toMatch(/\| Responders \| [^|]*alice[^|]*bob/);
    expect(draft).toMatch(/Note: db team looking \|[^\n]*\| bob \|/);
    // Leaving is per person: alice quits, the others stay.
    alice.press('q');
    await alice.waitFor(/y quit · n stay/);
    alice.press('y');
    await alice.exited;
    await carol.waitFor((s) => !/alice/.test(s.split('\n')[0] ?? ''));
  });
});
