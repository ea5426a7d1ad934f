import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEngines } from '../../src/demo/demoEngines';
import { DemoFleet } from '../../src/demo/fleet';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { containerRowsOf } from '../../src/store/paneRows';
import { FakeChat } from '../helpers/fakeChat';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

const chat = new FakeChat();
const stateDir = mkdtempSync(join(tmpdir(), 'oc-chat-'));
let fleet: DemoFleet | undefined;
let session: ConsoleSession;

beforeAll(async () => {
  await chat.start();
  session = startConsoleSession(
    bareSessionOptions('lab', stateDir, {
      containers: demoEngines(() => fleet),
      notify: [
        {
          name: 'ops',
          kind: 'slack',
          events: ['declared', 'severity', 'status', 'commander', 'mitigation', 'resolved', 'update'],
          links: false,
          url: () => `${chat.url}/slack/T0/B0/x`,
        },
        {
          name: 'execs',
          kind: 'discord',
          events: ['declared', 'update', 'resolved'],
          links: false,
          url: () => `${chat.url}/discord/1/x`,
        },
        {
          name: 'it',
          kind: 'teams',
          events: ['declared', 'resolved'],
          links: false,
          url: () => `${chat.url}/teams/wf`,
        },
      ],
      startSources: async (sink) => {
        fleet = new DemoFleet({ sink, stateDir, badDeployAfterMs: -1, requestsPerSecond: 5 });
        await fleet.start();
        return fleet;
      },
    }),
  );
  await waitUntil(
    () => session.store.getState().containers['demo/api']?.state === 'running',
    20_000,
    'the demo api',
  );
}, 60_000);

afterAll(async () => {
  await session?.stop();
  await chat.stop();
});

const state = () => session.store.getState();
const press = (...keys: string[]) => {
  for (const k of keys) session.controls.dispatch(k, k.length === 1 ? k : '');
};
const type = (text: string) => session.controls.dispatch(undefined, text);
const headline = (r: (typeof chat.received)[number]) =>
  r.platform === 'slack'
    ? String((r.payload.blocks as { text?: { text?: string } }[])[1]?.text?.text).split('\n')[0]
    : r.platform === 'discord'
      ? String((r.payload.embeds as { description?: string }[])[0]?.description).split('\n')[0]
      : String(
          (r.payload.attachments as { content: { body: { inlines: { text: string }[] }[] } }[])[0]?.content
            .body[1]?.inlines[0]?.text,
        );

describe('the incident’s course told to chat (a FAKE receiver, strict about each platform)', () => {
  it('declare, severity, a step, an update with u, resolved: each channel gets what it asked for, in order, once', async () => {
    press('D');
    type('checkout slow');
    press('return');
    press('2');
    await waitUntil(() => state().incident.active !== undefined, 5_000, 'the incident');
    press('V');
    press('1');
    // A step from the pane: restart the demo's api.
    press('1');
    const at = containerRowsOf(state()).findIndex(
      (r) => r.kind === 'container' && r.container.name === 'api',
    );
    for (let i = 0; i < at; i++) press('down');
    press('return');
    press('R');
    type('api');
    press('return');
    await waitUntil(
      () => state().incident.timeline.some((e) => e.kind === 'step.result'),
      20_000,
      'the step',
    );
    press('escape');
    press('u');
    expect(state().ui.prompt?.purpose).toBe('update');
    const prefilled = state().ui.prompt?.value;
    expect(prefilled).toMatch(
      /^Impact: .+\. Known: .*\. Done since the declaration: Severity set to P1; Ran restart api: exit 0.*\. Next update by \d\d:\d\dZ\.$/,
    );
    // Edited where the cursor is, left with Esc, and found again by the next `u`.
    press('home', 'right');
    type('X');
    press('escape');
    press('u');
    expect(state().ui.prompt?.label).toMatch(/^Your unsent update/);
    expect(state().ui.prompt?.value).toBe(`IXmpact${prefilled?.slice(6)}`);
    press('ctrl+a', 'ctrl+f', 'ctrl+d');
    expect(state().ui.prompt?.value).toBe(prefilled);
    press('return');
    press('S');
    press('4');
    await waitUntil(
      () => chat.received.filter((r) => r.platform === 'teams').length === 2,
      20_000,
      'the resolution told',
    );
    await waitUntil(
      () => chat.received.filter((r) => r.platform === 'slack').length === 5,
      20_000,
      'slack told',
    );
    const told = (p: string) => chat.received.filter((r) => r.platform === p).map(headline);
    expect(told('slack')).toEqual([
      expect.stringMatching(/^Incident declared by \w+/),
      expect.stringMatching(/^Severity set to P1 by/),
      expect.stringMatching(/^restart api: succeeded \(run by/),
      expect.stringMatching(/^Impact: /),
      expect.stringMatching(/^Resolved by \w+ after /),
    ]);
    expect(told('discord')).toEqual([
      expect.stringMatching(/^Incident declared/),
      expect.stringMatching(/^Impact: /),
      expect.stringMatching(/^Resolved by/),
    ]);
    expect(told('teams')).toEqual([
      expect.stringMatching(/^Incident declared/),
      expect.stringMatching(/^Resolved by/),
    ]);
    // No hostname reaches chat unless the channel allows links.
    expect(JSON.stringify(chat.received)).not.toContain(`@${(await import('node:os')).hostname()}`);
    // Every message journaled before it was sent, and its outcome after.
    const records = readJournal(
      new IncidentRepository(stateDir).pathOf(state().incident.active?.id ?? ''),
    ).records;
    const intents = records.filter((r) => r.kind === 'notify.intent');
    const results = records.filter((r) => r.kind === 'notify.result');
    expect(intents).toHaveLength(10);
    expect(results.map((r) => (r.payload as { delivered: boolean }).delivered)).toEqual(Array(10).fill(true));
    for (const r of results) {
      const id = (r.payload as { messageId: string }).messageId;
      expect(intents.find((i) => (i.payload as { messageId: string }).messageId === id)?.seq).toBeLessThan(
        r.seq,
      );
    }
  }, 60_000);

  it('a message still pending when the console stops is sent by the next console on that state, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-chat-restart-'));
    const channel = (url: string) => [
      { name: 'ops', kind: 'slack' as const, events: ['declared' as const], links: false, url: () => url },
    ];
    // The first console's channel cannot be reached: the message waits in the outbox.
    const first = startConsoleSession(
      bareSessionOptions('lab', dir, { notify: channel('http://127.0.0.1:9/unreachable') }),
    );
    const id = first.incident.declare('queued while chat was down', 'P2').id;
    await waitUntil(
      () => first.store.getState().incident.timeline.some((e) => e.kind === 'notify.result'),
      20_000,
      'the first try to fail',
    );
    await first.stop();
    // What the quitting console tells the operator it left behind.
    expect(first.chatPending()).toBe(1);
    const before = chat.received.length;
    const second = startConsoleSession(
      bareSessionOptions('lab', dir, { notify: channel(`${chat.url}/slack/T0/B0/x`) }),
    );
    try {
      await waitUntil(() => chat.received.length === before + 1, 20_000, 'the pending message sent');
      expect(headline(chat.received.at(-1) as (typeof chat.received)[number])).toMatch(
        /^Incident declared by/,
      );
      await waitUntil(
        () =>
          readJournal(new IncidentRepository(dir).pathOf(id)).records.some(
            (r) => r.kind === 'notify.result' && (r.payload as { delivered: boolean }).delivered,
          ),
        10_000,
        'its delivery journaled',
      );
      const records = readJournal(new IncidentRepository(dir).pathOf(id)).records;
      expect(records.filter((r) => r.kind === 'notify.intent')).toHaveLength(1);
    } finally {
      await second.stop();
    }
    expect(chat.received.length).toBe(before + 1);
  }, 60_000);

  it('a served console tells chat once, however many screens look at it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-chat-serve-'));
    const before = chat.received.length;
    const { startSharedSession } = await import('../../src/session/consoleSession');
    const { SharedConsole } = await import('../../src/session/sharedConsole');
    const { exit: _exit, ...options } = bareSessionOptions('lab', dir, {
      notify: [
        {
          name: 'ops',
          kind: 'slack',
          events: ['declared', 'severity'],
          links: false,
          url: () => `${chat.url}/slack/T0/B0/x`,
        },
      ],
    });
    const shared = startSharedSession(options);
    try {
      const consoles = new SharedConsole(shared);
      const alice = consoles.open({ name: 'alice', role: 'commander' }, () => {});
      consoles.open({ name: 'bob', role: 'responder' }, () => {});
      consoles.open({ name: 'carol', role: 'viewer' }, () => {});
      alice.controls.dispatch('D', 'D');
      alice.controls.dispatch(undefined, 'cart errors');
      alice.controls.dispatch('return', '');
      alice.controls.dispatch('2', '2');
      await waitUntil(() => chat.received.length === before + 1, 10_000, 'the declaration told');
      alice.controls.dispatch('V', 'V');
      alice.controls.dispatch('1', '1');
      await waitUntil(() => chat.received.length === before + 2, 10_000, 'the severity told');
      expect(chat.received.slice(before).map(headline)).toEqual([
        expect.stringMatching(/^Incident declared by /),
        expect.stringMatching(/^Severity set to P1 by /),
      ]);
    } finally {
      await shared.stop();
    }
    expect(chat.received.length).toBe(before + 2);
  }, 30_000);

  it('a channel whose URL cannot be read is said at start', async () => {
    const session = startConsoleSession(
      bareSessionOptions('lab', mkdtempSync(join(tmpdir(), 'oc-chat-nourl-')), {
        notify: [
          {
            name: 'ops',
            kind: 'slack',
            events: ['declared'],
            links: false,
            url: () => {
              throw new Error('channel ops: $OPS_URL is not set');
            },
          },
        ],
      }),
    );
    try {
      expect(session.store.getState().announcements.map((a) => a.text)).toContain(
        'chat: channel ops: $OPS_URL is not set',
      );
    } finally {
      await session.stop();
    }
  });
});
