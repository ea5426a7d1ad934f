import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { refusal } from '../../src/session/roles';
import type { ConsoleState } from '../../src/store/consoleStore';
import { isInert } from '../../src/text/sanitize';
import { parseAuthorizedKeys } from '../../src/transport/authorizedKeys';
import { AuthorizedKeysFile, type KeysNow } from '../../src/transport/authorizedKeysFile';
import { ChannelScreen } from '../../src/transport/channelScreen';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const KEY2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIAPZRECNHZAiN4uoJHaAHps6/x8hpDKQQwTlDyi956bJ';
const KEY3 = 'AAAAC3NzaC1lZDI1NTE5AAAAINSZ9YrjPYJC+F3QfI8dF8xZHYTzX0jJcULQTPjnUqkW';

describe('the authorized-keys file of opsconsole serve', () => {
  it('names each person by name= or by the comment, with a role (responder when absent)', () => {
    const keys = parseAuthorizedKeys(
      [
        '# the on-call team',
        `name="alice",role="commander" ssh-ed25519 ${KEY} alice-laptop`,
        `ssh-ed25519 ${KEY2} bob@laptop`,
        `restrict,role="viewer" ssh-ed25519 ${KEY3} carol@desk`,
        '',
      ].join('\n'),
      'keys',
    );
    expect(keys.map((k) => [k.name, k.role, k.line])).toEqual([
      ['alice', 'commander', 2],
      ['bob', 'responder', 3],
      ['carol', 'viewer', 4],
    ]);
  });

  it('refuses, with file and line, what it cannot honour: a nameless key, an unknown role, a restriction it does not check', () => {
    expect(() => parseAuthorizedKeys(`ssh-ed25519 ${KEY}`, 'ak')).toThrow(
      /^ak:1: this key names nobody: put name="..." before the key type/,
    );
    expect(() => parseAuthorizedKeys(`\nrole="admin" ssh-ed25519 ${KEY} x@y`, 'ak')).toThrow(
      /^ak:2: role must be commander, responder or viewer; got "admin"/,
    );
    expect(() => parseAuthorizedKeys(`from="10.0.0.0/8" ssh-ed25519 ${KEY} x@y`, 'ak')).toThrow(
      /^ak:1: option "from" is not supported here/,
    );
    expect(() => parseAuthorizedKeys('ssh-ed25519 not*base64 x@y', 'ak')).toThrow(
      /^ak:1: expected \[options\] KEYTYPE BASE64/,
    );
    expect(() => parseAuthorizedKeys(`name="al ice" ssh-ed25519 ${KEY}`, 'ak')).toThrow(
      /"al ice" is not a usable name/,
    );
  });

  it('refuses any doubt about who a key is, with file and line: one key twice, one name on two keys, name= twice', () => {
    const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAIBmSyAaWd2ucZ0fHxSVOJeMcIULqLfdx8nVbMMfWzS3W';
    expect(() =>
      parseAuthorizedKeys(
        `name="alice",role="viewer" ssh-ed25519 ${KEY}\nname="alice2",role="commander" ssh-ed25519 ${KEY}`,
        'ak',
      ),
    ).toThrow(/^ak:2: the same key as line 1 \(alice, viewer\)/);
    expect(() =>
      parseAuthorizedKeys(`name="alice" ssh-ed25519 ${KEY}\n\nssh-ed25519 ${OTHER} alice@desk`, 'ak'),
    ).toThrow(/^ak:3: "alice" already names the key on line 1/);
    expect(() => parseAuthorizedKeys(`name="alice",name="root" ssh-ed25519 ${KEY}`, 'ak')).toThrow(
      /^ak:1: option "name" is given twice/,
    );
  });

  it('shows a terminal escape in a name as text, and names the options it takes exactly (no-pty is not one)', () => {
    let message = '';
    try {
      parseAuthorizedKeys(`name="\u001b]52;c;aGk=\u0007alice" ssh-ed25519 ${KEY}`, 'ak');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('"\\u001b]52;c;aGk=\\u0007alice" is not a usable name');
    expect(isInert(message)).toBe(true);
    let noPty = '';
    try {
      parseAuthorizedKeys(`no-pty,name="alice" ssh-ed25519 ${KEY}`, 'ak');
    } catch (err) {
      noPty = (err as Error).message;
    }
    expect(noPty).toMatch(
      /^ak:1: option "no-pty" is not supported here \(the options it takes: name=, role=, restrict, no-port-forwarding/,
    );
    expect(noPty).not.toMatch(/no-\*/);
    expect(noPty.split('the options it takes:')[1]).not.toContain('no-pty');
  });
});

describe('the authorized-keys file as the server reads it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-keys-'));
  const problemOf = (now: KeysNow) => (now.usable ? 'usable' : now.problem);

  it('is read once per change, one copy shared by every connection, and says when it changes', () => {
    const path = join(dir, 'authorized_keys');
    writeFileSync(path, `name="alice" ssh-ed25519 ${KEY}\nname="bob" ssh-ed25519 ${KEY2}\n`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path, minuteAgo, minuteAgo);
    const changes: KeysNow[] = [];
    const file = new AuthorizedKeysFile(path, (now) => changes.push(now));
    const first = file.current();
    expect(file.current()).toBe(first);
    expect(file.current()).toBe(first);
    appendFileSync(path, `name="carol" ssh-ed25519 ${KEY3}\n`);
    const second = file.current();
    expect(second).not.toBe(first);
    expect(second.usable && second.keys.map((k) => k.entry.name)).toEqual(['alice', 'bob', 'carol']);
    expect(changes).toHaveLength(2);
  });

  it('refuses every key for a file too big, a FIFO or /dev/zero, without waiting or reading past its cap', () => {
    const big = join(dir, 'big');
    writeFileSync(big, `${'#'.repeat(1023)}\n`.repeat(1024 + 1));
    expect(problemOf(new AuthorizedKeysFile(big).current())).toMatch(
      /big: 1049600 bytes, more than the 1048576 an authorized-keys file may have/,
    );
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(problemOf(new AuthorizedKeysFile(fifo).current())).toMatch(/fifo: not a regular file/);
    const zero = join(dir, 'zero');
    symlinkSync('/dev/zero', zero);
    expect(problemOf(new AuthorizedKeysFile(zero).current())).toMatch(/zero: not a regular file/);
    expect(problemOf(new AuthorizedKeysFile(join(dir, 'absent')).current())).toMatch(
      /absent: cannot read it \(ENOENT\)/,
    );
  });
});

describe('roles on the shared console', () => {
  const open = (commander: string) =>
    ({
      incident: { active: { commander, status: 'investigating' }, timeline: [], events: [] },
    }) as unknown as Pick<ConsoleState, 'incident' | 'triage'>;
  const none = { incident: { timeline: [], events: [] } } as unknown as Pick<
    ConsoleState,
    'incident' | 'triage'
  >;
  const alice = { name: 'alice', role: 'commander' as const };
  const bob = { name: 'bob', role: 'responder' as const };
  const carol = { name: 'carol', role: 'viewer' as const };

  it('lets everyone look, responders annotate, and only the commander act', () => {
    expect([alice, bob, carol].map((w) => refusal('toggleTimeline', w, open('alice')))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(refusal('addNote', bob, open('alice'))).toBeUndefined();
    expect(refusal('addNote', carol, open('alice'))).toMatch(/carol: viewers read/);
    expect(refusal('triageRunStep', bob, open('alice'))).toMatch(/only the commander \(alice\)/);
    expect(refusal('triageRunStep', alice, open('alice'))).toBeUndefined();
  });

  it('follows the incident: after a hand-over the new commander acts and the old one does not', () => {
    expect(refusal('changeStatus', bob, open('bob'))).toBeUndefined();
    expect(refusal('changeStatus', alice, open('bob'))).toMatch(/only the commander \(bob\)/);
    // With no incident open, a commander's key declares.
    expect(refusal('declareIncident', alice, none)).toBeUndefined();
  });

  it('lets anyone but a viewer declare with no incident open, unless only commanders may', () => {
    expect(refusal('declareIncident', bob, none)).toBeUndefined();
    expect(refusal('declareIncident', carol, none)).toMatch(/carol: viewers read/);
    // Once declared, the declarer commands and the others do not.
    expect(refusal('changeStatus', alice, open('bob'))).toMatch(/only the commander \(bob\)/);
    expect(refusal('declareIncident', bob, none, 'commanders')).toMatch(/--declare commanders/);
    expect(refusal('declareIncident', alice, none, 'commanders')).toBeUndefined();
  });

  it('lets the person the commander handed the steps to answer and run them, and nothing more', () => {
    const handed = {
      incident: { active: { commander: 'alice', stepDriver: 'bob', status: 'investigating' } },
    } as never;
    expect(refusal('triageRunStep', bob, handed)).toBeUndefined();
    expect(refusal('triageYes', bob, handed)).toBeUndefined();
    expect(refusal('changeStatus', bob, handed)).toMatch(/only the commander \(alice\)/);
    expect(refusal('giveSteps', bob, handed)).toMatch(/only the commander/);
    expect(
      refusal('triageRunStep', carol, {
        incident: { active: { commander: 'alice', stepDriver: 'carol', status: 'investigating' } },
      } as never),
    ).toMatch(/viewers read/);
    // The commander keeps them too.
    expect(refusal('triageRunStep', alice, handed)).toBeUndefined();
  });

  it('lets anyone watch a triage under way, but not start one', () => {
    expect(refusal('openTriage', bob, open('alice'))).toMatch(/only the commander/);
    expect(refusal('openTriage', carol, { ...open('alice'), triage: {} } as never)).toBeUndefined();
  });
});

/** A channel that queues what the client does not take: what a stopped ssh client looks like. */
class StalledChannel {
  written: string[] = [];
  writableLength = 0;
  reading = true;
  write(text: string): boolean {
    this.written.push(text);
    if (!this.reading) this.writableLength += 40_000;
    return true;
  }
}

describe('the size a responder screen renders at', () => {
  it('is at most 500 columns by 200 rows, whatever the terminal claims, at login and on resize', () => {
    const channel = new StalledChannel();
    const screen = new ChannelScreen(channel as never, 10_000, 10_000);
    expect([screen.columns, screen.rows]).toEqual([500, 200]);
    const resized: number[][] = [];
    screen.on('resize', () => resized.push([screen.columns, screen.rows]));
    screen.resize(120, 40);
    screen.resize(0xffffffff, 0xffffffff);
    screen.resize(0, 0); // "unknown" in a pty-req: the usual 80x24
    expect(resized).toEqual([
      [120, 40],
      [500, 200],
      [80, 24],
    ]);
  });
});

describe('a responder screen that does not read', () => {
  it('keeps only the newest frame while the channel is backed up, says so, and sends it once the client catches up', () => {
    vi.useFakeTimers();
    try {
      const channel = new StalledChannel();
      const screen = new ChannelScreen(channel as never, 80, 24);
      const said: string[] = [];
      screen.on('backed-up', () => said.push('backed-up'));
      screen.on('drained', () => said.push('drained'));
      screen.write('frame 1\n');
      channel.reading = false;
      screen.write('frame 2\n');
      screen.write('frame 3\n'); // 80 KB queued now: backed up
      for (let i = 4; i <= 50; i++) screen.write(`frame ${i}\n`);
      expect(channel.written).toEqual(['frame 1\r\n', 'frame 2\r\n', 'frame 3\r\n']);
      expect(screen.dropped).toBe(46);
      vi.advanceTimersByTime(1000);
      expect(said).toEqual(['backed-up']);
      // The client reads again: the queue empties and only the newest frame follows.
      channel.reading = true;
      channel.writableLength = 0;
      vi.advanceTimersByTime(100);
      expect(said).toEqual(['backed-up', 'drained']);
      expect(channel.written.slice(3)).toEqual(['frame 50\r\n']);
    } finally {
      vi.useRealTimers();
    }
  });
});
