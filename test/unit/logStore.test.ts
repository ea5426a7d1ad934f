import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LogFilter, matchesFilter, parseFilterQuery } from '../../src/logs/logFilter';
import { LEVELS, type LogRecord } from '../../src/logs/logRecord';
import { parseLine } from '../../src/logs/parseLine';
import { openStoreForReading, openStoreForWriting, storePath } from '../../src/logstore/storeFile';
import { StoreReader } from '../../src/logstore/storeReader';
import { StoreWriter } from '../../src/logstore/storeWriter';

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const services = ['gateway', 'api', 'worker'];

/** Line `i` of a made-up fleet: a request every line, an error every 7th, its id every 3 lines. */
function record(i: number): LogRecord {
  const source = services[i % 3] as string;
  const status = i % 7 === 0 ? 500 : 200;
  const text = JSON.stringify({
    time: new Date(T0 + i * 10).toISOString(),
    level: status === 500 ? 'error' : 'info',
    msg: `request ${status === 500 ? 'failed' : 'completed'} path=/orders/${i % 50}`,
    request_id: `req-${Math.floor(i / 3)}`,
    status,
  });
  const r = parseLine(text, { source, seq: i, receivedAt: T0 });
  r.pattern = `${source}#${status === 500 ? 2 : 1}`;
  return r;
}

function freshStore(limits = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'logstore-'));
  const path = storePath(join(dir, 'state'), 'prod');
  const { db } = openStoreForWriting(path);
  const writer = new StoreWriter(db, { budgetBytes: 1e9, blockLines: 1000, mergeAfterMs: 60_000, ...limits });
  return { path, db, writer };
}

describe('the log store', () => {
  it('keeps every line with its fields, sealed or not, and answers by request id across services', () => {
    const { path, db, writer } = freshStore();
    const records = Array.from({ length: 3500 }, (_, i) => record(i));
    for (let i = 0; i < records.length; i += 250)
      expect(writer.append(records.slice(i, i + 250)).stored).toBe(250);
    const reader = new StoreReader(db);
    expect(reader.extent()).toEqual({ lines: 3500, oldest: T0, newest: T0 + 3499 * 10 });
    const trail = [...reader.lines({ filter: parseFilterQuery('rid:req-400') })];
    expect(trail.map((r) => [r.source, r.requestId])).toEqual([
      ['gateway', 'req-400'],
      ['api', 'req-400'],
      ['worker', 'req-400'],
    ]);
    const last = [...reader.lines({ filter: parseFilterQuery('rid:req-1165') })];
    expect(last).toHaveLength(3);
    const stored = [...reader.lines()];
    expect(stored.map(({ seq: _, ...r }) => r)).toEqual(records.map(({ seq: _, ...r }) => r));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
  });

  it('merges the small blocks of a quiet fleet into full ones, every line kept once and in order', () => {
    const { db, writer } = freshStore({ blockLines: 1000 });
    const records = Array.from({ length: 2500 }, (_, i) => record(i));
    for (const r of records) writer.append([r]);
    const blocks = () => (db.prepare('SELECT count(*) AS n FROM blocks').get() as { n: number }).n;
    // Two merges of 1000 one-line blocks; 500 wait as they came until the writer closes.
    expect(blocks()).toBe(2 + 500);
    writer.seal();
    expect(blocks()).toBe(3);
    const reader = new StoreReader(db);
    expect([...reader.lines()].map((r) => r.time)).toEqual(records.map((r) => r.time));
    expect([...reader.lines({ filter: parseFilterQuery('rid:req-100') })]).toHaveLength(3);
  });

  it('takes two writers on one file (serve beside a console) without losing or mixing a line', () => {
    const { path, db, writer } = freshStore({ blockLines: 1000 });
    const other = new StoreWriter(openStoreForWriting(path).db, {
      budgetBytes: 1e9,
      blockLines: 1000,
      mergeAfterMs: 60_000,
    });
    const records = Array.from({ length: 3000 }, (_, i) => record(i));
    for (let i = 0; i < records.length; i += 100) {
      const w = (i / 100) % 2 === 0 ? writer : other;
      expect(w.append(records.slice(i, i + 100))).toEqual(
        expect.objectContaining({ stored: 100, dropped: 0 }),
      );
    }
    writer.seal();
    other.seal();
    const stored = [...new StoreReader(db).lines()];
    expect(stored.map((r) => r.time)).toEqual(records.map((r) => r.time));
    expect(new Set(stored.map((r) => r.seq)).size).toBe(3000);
  });

  it('filters as the log pane does: level, source, template, words, exclusions, time', () => {
    const { db, writer } = freshStore();
    const records = Array.from({ length: 2100 }, (_, i) => record(i));
    writer.append(records);
    const reader = new StoreReader(db);
    const ask = (q: string, since?: number, until?: number) =>
      [...reader.lines({ filter: parseFilterQuery(q), since, until })].map((r) => r.time);
    const expected = (pred: (r: LogRecord) => boolean) => records.filter(pred).map((r) => r.time);
    expect(ask('level:error src:api')).toEqual(expected((r) => r.status === 500 && r.source === 'api'));
    expect(ask('pat:worker#2')).toEqual(expected((r) => r.pattern === 'worker#2'));
    expect(ask('/orders/7\\b/ -completed')).toEqual(
      expected((r) => /\/orders\/7\b/.test(r.text) && r.status === 500),
    );
    expect(ask('src:gateway', T0 + 5000, T0 + 6000)).toEqual(
      expected((r) => r.source === 'gateway' && r.time >= T0 + 5000 && r.time <= T0 + 6000),
    );
  });

  it('answers exactly what the pane filter keeps, whatever the names, levels and words (property)', () => {
    const name = fc.constantFrom('api', 'a"pi', 'w\\orker', 'ガ', 'src,x', 'api2');
    const level = fc.option(fc.constantFrom(...LEVELS), { nil: undefined });
    const line = fc.record({ source: name, level, word: fc.constantFrom('Timeout', 'ok', 'a"b', '\\n') });
    const query = fc.record({
      minLevel: fc.option(fc.constantFrom(...LEVELS), { nil: undefined }),
      sources: fc.option(fc.uniqueArray(name, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      words: fc.option(fc.constantFrom(['timeout'], ['a"b'], ['\\n']), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), query, (lines, q) => {
        const { db, writer } = freshStore();
        const records = lines.map((l, i) => {
          const text = JSON.stringify({ msg: `request ${l.word}`, ...(l.level && { level: l.level }) });
          return parseLine(text, { source: l.source, seq: i, receivedAt: T0 + i });
        });
        writer.append(records);
        const filter: LogFilter = {
          ...(q.minLevel && { minLevel: q.minLevel }),
          ...(q.sources && { sources: q.sources }),
          // As the pane's parser makes them: the words for the store to skip by, the regex to decide.
          ...(q.words && {
            words: [...q.words],
            include: new RegExp(q.words[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'),
          }),
        };
        // Each line's time is its own (its place), so the answer is compared by time.
        const got = [...new StoreReader(db).lines({ filter })].map((r) => r.time);
        db.close();
        expect(got).toEqual(records.filter((r) => matchesFilter(r, filter)).map((r) => r.time));
      }),
      { numRuns: 150 },
    );
  });

  it('past its budget the oldest blocks go, and what is left still answers', () => {
    const { db, writer } = freshStore({ budgetBytes: 400_000, blockLines: 500 });
    for (let i = 0; i < 20_000; i += 500) writer.append(Array.from({ length: 500 }, (_, j) => record(i + j)));
    writer.keepWithinBudget();
    expect(writer.usedBytes()).toBeLessThanOrEqual(400_000);
    const reader = new StoreReader(db);
    const { lines, oldest, newest } = reader.extent();
    expect(lines).toBeLessThan(20_000);
    expect(newest).toBe(T0 + 19_999 * 10);
    expect(oldest).toBeGreaterThan(T0);
    // What is kept is a suffix: nothing missing in the middle.
    const times = [...reader.lines()].map((r) => r.time);
    expect(times.length).toBe(lines);
    expect(times[0]).toBe(oldest);
    expect(times.at(-1)).toBe(newest);
  });

  it('sets a damaged file aside and starts anew; refuses a store from a newer version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstore-'));
    const path = join(dir, 'prod.db');
    writeFileSync(path, 'not a database '.repeat(100));
    const { db, setAside } = openStoreForWriting(path);
    expect(setAside).toMatch(/prod\.db\.damaged-/);
    expect(statSync(setAside as string).size).toBe(1500);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'version'").run();
    db.close();
    expect(() => openStoreForWriting(path)).toThrow(/newer opsconsole \(store version 99/);
    expect(() => openStoreForReading(path)).toThrow(/move the file aside/);
  });
});
