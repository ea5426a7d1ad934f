import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFilter, matchesFilter } from '../../src/logs/logFilter';
import type { EventSink } from '../../src/model/sourceEvents';
import { startConsoleSession } from '../../src/session/consoleSession';
import { detailLines } from '../../views/LogDetail';
import { logRow } from '../../views/rows';
import { MULTILINE_FAMILIES } from '../fixtures/multiline/families';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

describe('a stack trace in the console', () => {
  it('is one record: one row, every line in the detail, found by a filter, one template', async () => {
    let sink: EventSink | undefined;
    const session = startConsoleSession(
      bareSessionOptions('lab', mkdtempSync(join(tmpdir(), 'oc-multiline-')), {
        startSources: async (s) => {
          sink = s;
          return { stop: async () => {} };
        },
      }),
    );
    try {
      await waitUntil(() => sink !== undefined, 5_000, 'the sources');
      const java = MULTILINE_FAMILIES['Java stack trace'] as string[];
      const now = Date.now();
      // The trace arrives in two reads, and another service logs in between.
      sink?.({ type: 'log-lines', source: 'cart', lines: java.slice(0, 3), receivedAt: now });
      sink?.({
        type: 'log-lines',
        source: 'web',
        lines: ['    at not.a.frame.of.cart(X.java:1)'],
        receivedAt: now,
      });
      sink?.({
        type: 'log-lines',
        source: 'cart',
        lines: [...java.slice(3), '2026-12-03 03:14:16,000 INFO [main] com.shop.CartService - ok'],
        receivedAt: now + 20,
      });
      await waitUntil(() => session.logs.ring.size === 3, 5_000, 'three records in the ring');
      const records = Array.from({ length: session.logs.ring.size }, (_, i) => session.logs.ring.at(i));
      const trace = records.find((r) => r?.source === 'cart' && r.level === 'error');
      expect(trace?.lines).toBe(java.length);
      expect(trace?.text.split('\n')).toHaveLength(java.length);
      expect(records.filter((r) => r?.source === 'web')).toHaveLength(1);
      if (!trace) return;
      expect(logRow(trace, 200)).toContain(`checkout failed [+${java.length - 1} lines]`);
      // At 80 columns the message is cut, not the count of lines it holds.
      expect(logRow(trace, 80)).toMatch(new RegExp(`… \\[\\+${java.length - 1} lines\\] *$`));
      expect(logRow(trace, 80)).not.toContain('\n');
      // The row has the time and level in its own columns: the line's own are not repeated.
      expect(logRow(trace, 80)).not.toContain('2026-12-03 03:14:15');
      expect(detailLines(trace, 200).join('\n')).toContain(
        'Caused by: java.sql.SQLTransientConnectionException',
      );
      const { filter } = compileFilter('HikariPool');
      expect(filter && matchesFilter(trace, filter)).toBe(true);
      const templates = session.logs.patterns.all().filter((p) => p.source === 'cart');
      expect(templates.map((p) => [p.template, p.count])).toEqual(
        expect.arrayContaining([['checkout failed', 1]]),
      );
      expect(templates.some((p) => /at com\.shop|Caused by/.test(p.template))).toBe(false);
    } finally {
      await session.stop();
    }
  });
});
