import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../src/model/sourceEvents';
import { startConsoleSession } from '../../src/session/consoleSession';
import { currentPatternRows } from '../../src/store/patternRows';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

/** A steady service: three templates at a constant rate, none of them errors. */
const steady = (i: number) =>
  [
    `{"level":"info","msg":"request completed in ${i % 97} ms","request_id":"r${i}"}`,
    `{"level":"info","msg":"cache hit for key k${i % 13}"}`,
    `{"level":"info","msg":"health check ok"}`,
  ][i % 3] as string;

describe('a console restarted on a steady fleet', () => {
  it('reads back the last minutes and finds nothing new or spiking', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-restart-'));
    let sink: EventSink | undefined;
    const session = startConsoleSession(
      bareSessionOptions('lab', stateDir, {
        startSources: async (s) => {
          sink = s;
          return { stop: async () => {} };
        },
      }),
    );
    try {
      await waitUntil(() => sink !== undefined, 5_000, 'the sources');
      const now = Date.now();
      // What the runtime still held: the last twelve minutes at 60 lines a minute (the read-back's
      // cap cut the rest of the half hour), as `docker logs --since` gives it to a console that just
      // started. Measured against a full half hour, those minutes would look like a threefold rise.
      const times = Array.from({ length: 720 }, (_, i) => now - 720_000 + i * 1000);
      sink?.({
        type: 'log-lines',
        source: 'api',
        lines: times.map((_, i) => steady(i)),
        times,
        receivedAt: now,
        readBack: true,
      });
      // Then live, at the same rate.
      sink?.({
        type: 'log-lines',
        source: 'api',
        lines: [steady(720), steady(721), steady(722)],
        receivedAt: now,
      });
      await waitUntil(
        () => currentPatternRows(session.logs.patterns, session.store.getState()).length === 3,
        5_000,
        'the templates',
      );
      const rows = currentPatternRows(session.logs.patterns, session.store.getState());
      expect(rows.map((r) => [r.template, r.isNew, r.spiking]).sort()).toEqual([
        ['cache hit for key <*>', false, false],
        ['health check ok', false, false],
        ['request completed in <*> ms', false, false],
      ]);
      expect(session.store.getState().diagnosis).toBeUndefined();
    } finally {
      await session.stop();
    }
  });
});
