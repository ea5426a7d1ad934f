import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentMessage } from '../../src/model/notify';
import { Notifier, type NotifyTarget } from '../../src/notify/notifier';
import { Outbox } from '../../src/notify/outbox';
import { outboxPath } from '../../src/session/chatUpdates';
import { BIN, runCli } from '../helpers/cli';
import { FakeChat } from '../helpers/fakeChat';
import { waitUntil } from '../helpers/processes';

const chat = new FakeChat();
beforeAll(() => chat.start());
afterAll(() => chat.stop());

const message = (n: number): IncidentMessage => ({
  id: `inc-9-${n}`,
  incidentId: 'inc-9',
  event: 'update',
  at: Date.parse('2026-12-03T03:14:00Z'),
  title: '[P1] cart errors',
  severity: 'P1',
  status: 'identified',
  headline: `update ${n}`,
  lines: [],
  fields: [],
});

const hook = (url = () => `${chat.url}/webhook/ops`): NotifyTarget => ({
  name: 'ops',
  kind: 'webhook',
  events: ['update'],
  links: false,
  url,
});

const sender = (outbox: Outbox, journal: { kind: string; payload: unknown }[] = [], target = hook()) =>
  new Notifier({
    targets: [target],
    outbox,
    record: (_id, kind, payload) => journal.push({ kind, payload }),
    delivery: { sleep: async () => {}, attemptMs: 3_000, maxAttempts: 3 },
  });

const texts = () => chat.received.map((r) => String(r.payload.text));

describe('one outbox, several senders (a FAKE receiver)', () => {
  it('two consoles on one state directory send each pending message once, oldest first', async () => {
    chat.received.length = 0;
    const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'oc-share-')), 'outbox.jsonl'));
    // Accepted by a console that stopped before sending any of them.
    const first = sender(outbox);
    first.tell(() => message(1));
    first.tell(() => message(2));
    first.tell(() => message(3));
    first.stop();
    expect(outbox.pending()).toHaveLength(3);
    const a = sender(outbox);
    const b = sender(outbox);
    a.start();
    b.start();
    await Promise.all([a.idle(), b.idle()]);
    a.stop();
    b.stop();
    expect(texts()).toEqual(['update 1', 'update 2', 'update 3']);
    expect(outbox.pending()).toEqual([]);
  });

  it('a CLI killed mid-send leaves its message to the next sender; a live sender is waited for, not overtaken', async () => {
    chat.received.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'oc-share-cli-'));
    const config = join(dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      [
        'environments:',
        '  shop:',
        '    services: {}',
        '    notify:',
        '      ops: { kind: webhook, urlEnv: HOOK_URL, events: [update] }',
        '',
      ].join('\n'),
    );
    const env = { OPSCONSOLE_STATE_DIR: join(dir, 'state'), HOOK_URL: `${chat.url}/webhook/ops` };
    const declared = await runCli(
      ['--config', config, 'incident', 'declare', '--title', 'cart errors', '--severity', 'P1'],
      { env },
    );
    expect(declared.code).toBe(0);
    const id = declared.stdout.trim();

    // The CLI's send hangs; the CLI is killed while it holds the message.
    chat.script('webhook', 'hang');
    const hangsBefore = chat.requests.filter((r) => r.status === 'hang').length;
    const killed = spawn(BIN, ['--config', config, 'incident', 'update', id, '--message', 'first'], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: 'ignore',
    });
    await waitUntil(
      () => chat.requests.filter((r) => r.status === 'hang').length > hangsBefore,
      20_000,
      'the CLI sending',
    );
    const exited = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await exited;

    // A console on that state takes the dead process's message; its first try hangs too, and while
    // it holds the message a second CLI update waits for it instead of going first.
    chat.script('webhook', 'hang');
    const outbox = new Outbox(outboxPath(join(dir, 'state'), 'shop'));
    const console = sender(outbox);
    console.start();
    await waitUntil(
      () => chat.requests.filter((r) => r.status === 'hang').length > hangsBefore + 1,
      10_000,
      'the console sending',
    );
    const second = await runCli(['--config', config, 'incident', 'update', id, '--message', 'second'], {
      env,
    });
    await console.idle();
    console.stop();
    // Whichever of the two sent it, the CLI says what became of its message.
    expect(second.stderr).toMatch(/ops: (delivered|sent by another opsconsole on this state directory)/);
    expect(texts()).toEqual(['first', 'second']);
    expect(outbox.pending()).toEqual([]);
  }, 60_000);

  it('a channel whose URL cannot be read keeps its messages, says so once each, and sends nothing', async () => {
    const requests = chat.requests.length;
    const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'oc-share-')), 'outbox.jsonl'));
    const journal: { kind: string; payload: unknown }[] = [];
    let reads = 0;
    const n = sender(
      outbox,
      journal,
      hook(() => {
        reads++;
        throw new Error('channel ops: $OPS_URL is not set');
      }),
    );
    n.tell(() => message(7));
    n.tell(() => message(8));
    // Swept every few milliseconds here (every minute in a console): it looks, and finds it still unset.
    n.start(5);
    await waitUntil(() => reads >= 5, 5_000, 'several sweeps');
    await n.idle();
    n.stop();
    const results = journal.filter((j) => j.kind === 'notify.result').map((j) => j.payload);
    expect(results).toEqual([
      expect.objectContaining({
        messageId: 'inc-9-7:ops',
        delivered: false,
        detail: expect.stringMatching(/^kept, not sent: .*OPS_URL is not set/),
      }),
      expect.objectContaining({ messageId: 'inc-9-8:ops', delivered: false }),
    ]);
    expect(chat.requests.length).toBe(requests);
    expect(outbox.pending()).toHaveLength(2);
  });
});
