import { describe, expect, it, vi } from 'vitest';
import { refusal } from '../../src/session/roles';
import type { ConsoleState } from '../../src/store/consoleStore';
import { parseAuthorizedKeys } from '../../src/transport/authorizedKeys';
import { ChannelScreen } from '../../src/transport/channelScreen';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

describe('the authorized-keys file of opsconsole serve', () => {
  it('names each person by name= or by the comment, with a role (responder when absent)', () => {
    const keys = parseAuthorizedKeys(
      [
        '# the on-call team',
        `name="alice",role="commander" ssh-ed25519 ${KEY} alice-laptop`,
        `ssh-ed25519 ${KEY} bob@laptop`,
        `restrict,role="viewer" ssh-ed25519 ${KEY} carol@desk`,
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
      /^ak:1: this key names nobody: add name="alice"/,
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
