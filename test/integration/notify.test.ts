import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentMessage, NotifyKind } from '../../src/model/notify';
import { NOTIFY_KINDS } from '../../src/model/notify';
import { Notifier, type NotifyTarget } from '../../src/notify/notifier';
import { Outbox } from '../../src/notify/outbox';
import { FakeChat } from '../helpers/fakeChat';

const chat = new FakeChat();
beforeAll(() => chat.start());
afterAll(() => chat.stop());

const message = (n: number, extra: Partial<IncidentMessage> = {}): IncidentMessage => ({
  id: `inc-1-${n}`,
  incidentId: 'inc-1',
  event: 'status',
  at: Date.parse('2026-12-03T03:14:00Z'),
  title: '[P1] api 5xx after v1.5.0',
  severity: 'P1',
  status: 'identified',
  headline: `Status: identified (message ${n})`,
  lines: [],
  fields: [
    ['Severity', 'P1'],
    ['Commander', 'alice'],
  ],
  ...extra,
});

function notifier(
  kind: NotifyKind,
  outbox: Outbox,
  journal: { kind: string; payload: unknown }[],
  url = `${chat.url}/${kind}/hook`,
) {
  const target: NotifyTarget = {
    name: `${kind}-ops`,
    kind,
    events: ['status', 'update'],
    links: false,
    url: () => url,
  };
  return new Notifier({
    targets: [target],
    outbox,
    record: (_id, kind, payload) => journal.push({ kind, payload }),
    delivery: { sleep: async () => {}, attemptMs: 500, maxAttempts: 3 },
    retryAfterMs: 60_000,
  });
}
const newOutbox = () => new Outbox(join(mkdtempSync(join(tmpdir(), 'oc-outbox-')), 'notify', 'outbox.jsonl'));

describe('incident messages to chat (a FAKE receiver, strict about each platform)', () => {
  it('every platform takes the message, hostile text inert, within its limits', async () => {
    const hostile = message(1, {
      headline: '<!channel> @here @all [click](http://evil.example) *bold* # heading',
      lines: ['x'.repeat(10_000)],
      fields: Array.from({ length: 40 }, (_, i) => [`field ${i}`, 'v'.repeat(2000)] as [string, string]),
    });
    for (const kind of NOTIFY_KINDS) {
      const n = notifier(kind, newOutbox(), []);
      n.tell(() => hostile);
      await n.idle();
      n.stop();
    }
    expect(chat.received.map((r) => r.platform)).toEqual([...NOTIFY_KINDS]);
    const text = (p: string) => JSON.stringify(chat.received.find((r) => r.platform === p)?.payload);
    expect(text('slack')).not.toMatch(/<!channel>|<http/);
    expect(text('slack')).toContain('&lt;!channel&gt;');
    expect(text('discord')).toContain('"allowed_mentions":{"parse":[]}');
    for (const p of ['discord', 'mattermost']) {
      expect(text(p)).not.toMatch(/@here|@all|@channel/);
      expect(text(p)).not.toMatch(/[^\\]\[click\]/);
    }
    // Teams: our text only in TextRuns, which are never read as markdown, and shown unescaped.
    const teams = chat.received.find((r) => r.platform === 'teams')?.payload as {
      attachments: { content: { body: { type: string; inlines: { type: string; text: string }[] }[] } }[];
    };
    const body = teams.attachments[0]?.content.body ?? [];
    expect(body.every((b) => b.type === 'RichTextBlock')).toBe(true);
    expect(text('teams')).not.toContain('\\\\[');
    expect(body.flatMap((b) => b.inlines.map((i) => i.text)).join('\n')).toContain('[click](');
    expect(chat.received.find((r) => r.platform === 'webhook')?.headers['idempotency-key']).toBe(
      'inc-1-1:webhook-ops',
    );
  });

  it('429 with Retry-After, then 200: the message arrives once, after the wait asked for', async () => {
    chat.received.length = 0;
    chat.script('slack', { status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' });
    const waits: number[] = [];
    const journal: { kind: string; payload: unknown }[] = [];
    const n = new Notifier({
      targets: [
        { name: 'ops', kind: 'slack', events: ['status'], links: false, url: () => `${chat.url}/slack/hook` },
      ],
      outbox: newOutbox(),
      record: (_id, kind, payload) => journal.push({ kind, payload }),
      delivery: { sleep: async (ms) => void waits.push(ms), attemptMs: 500 },
    });
    n.tell(() => message(2));
    await n.idle();
    expect(chat.received).toHaveLength(1);
    expect(waits).toEqual([7000]);
    expect(journal.map((j) => j.kind)).toEqual(['notify.intent', 'notify.result']);
    expect(journal[1]?.payload).toMatchObject({ delivered: true, attempts: 2, status: 200 });
  });

  it('a receiver that fails, hangs, or refuses: retried, given a deadline, or said as refused', async () => {
    chat.received.length = 0;
    chat.script('discord', { status: 502 }, 'hang');
    const journal: { kind: string; payload: unknown }[] = [];
    const n = notifier('discord', newOutbox(), journal);
    n.tell(() => message(3));
    await n.idle();
    expect(chat.received).toHaveLength(1);
    expect(journal.at(-1)?.payload).toMatchObject({ delivered: true, attempts: 3, status: 204 });
    // Refused for good (a 4xx): not retried, journaled with what the platform said, the channel shown failing.
    const failing: string[][] = [];
    const refused = new Notifier({
      targets: [
        { name: 'ops', kind: 'slack', events: ['status'], links: false, url: () => `${chat.url}/slack/hook` },
      ],
      outbox: newOutbox(),
      record: (_id, kind, payload) => journal.push({ kind, payload }),
      onFailing: (c) => failing.push(c),
      delivery: { sleep: async () => {} },
    });
    chat.script('slack', { status: 404, body: 'no_service' });
    refused.tell(() => message(4));
    await refused.idle();
    expect(journal.at(-1)?.payload).toMatchObject({
      delivered: false,
      attempts: 1,
      status: 404,
      detail: 'no_service',
    });
    expect(failing.at(-1)).toEqual(['ops']);
  });

  it('a message pending when its console stopped is sent by the next one, once', async () => {
    chat.received.length = 0;
    const outbox = newOutbox();
    chat.script('mattermost', { status: 503 }, { status: 503 }, { status: 503 });
    const first = notifier('mattermost', outbox, []);
    first.tell(() => message(5));
    await first.idle();
    first.stop();
    expect(chat.received).toHaveLength(0);
    expect(outbox.pending().map((e) => e.id)).toEqual(['inc-1-5:mattermost-ops']);
    const journal: { kind: string; payload: unknown }[] = [];
    const second = notifier('mattermost', outbox, journal);
    second.start();
    await second.idle();
    second.stop();
    expect(chat.received).toHaveLength(1);
    expect(journal.map((j) => j.kind)).toEqual(['notify.result']);
    expect(outbox.pending()).toEqual([]);
  });
});
