// Chat updates: what telling N channels costs the console's input thread per record, and how long a
// message takes from the record to a receiver on loopback (the FAKE chat receiver of the tests).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleSession } from '../../src/session/consoleSession';
import { FakeChat } from '../../test/helpers/fakeChat';
import { bareSessionOptions } from '../../test/helpers/sessionOptions';
import type { Benchmark } from './harness/context';
import { pct } from './harness/measure';

export const chatBench: Benchmark = {
  name: 'chat',
  settings: { CHAT_MESSAGES: 200 },
  async run(bench) {
    const n = bench.setting('CHAT_MESSAGES');
    console.log(`\n## chat updates: ${n} updates to 3 channels on loopback\n`);
    const chat = new FakeChat();
    await chat.start();
    const received: number[] = [];
    const sentAt = new Map<string, number>();
    const kinds = ['slack', 'discord', 'teams'] as const;
    const timings = async (notify: boolean) => {
      const session = startConsoleSession(
        bareSessionOptions('bench', mkdtempSync(join(tmpdir(), 'oc-bench-chat-')), {
          ...(notify && {
            notify: kinds.map((kind) => ({
              name: kind,
              kind,
              events: ['update' as const],
              links: false,
              url: () => `${chat.url}/${kind}/x`,
            })),
          }),
        }),
      );
      session.incident.declare('bench', 'P2');
      const record: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        session.incident.record('incident.update', { text: `update ${i}` });
        record.push(performance.now() - t);
        sentAt.set(`update ${i}`, performance.now());
        await new Promise((r) => setImmediate(r));
      }
      if (notify) {
        const deadline = Date.now() + 60_000;
        while (chat.received.length < n * kinds.length && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
      }
      await session.stop();
      return record;
    };
    const without = await timings(false);
    const withChat = await timings(true);
    received.push(chat.received.length);
    console.log(
      `record an update, without chat: p50 ${pct(without, 50).toFixed(2)} ms, p99 ${pct(without, 99).toFixed(2)} ms`,
    );
    console.log(
      `record an update, 3 channels:   p50 ${pct(withChat, 50).toFixed(2)} ms, p99 ${pct(withChat, 99).toFixed(2)} ms (the outbox and the intent journaled, synced)`,
    );
    console.log(`messages received: ${received[0]} of ${n * kinds.length}`);
    bench.figure('record p50 without chat', pct(without, 50), 'ms');
    bench.figure('record p50 with 3 channels', pct(withChat, 50), 'ms');
    bench.figure('record p99 with 3 channels', pct(withChat, 99), 'ms');
    await chat.stop();
  },
};
