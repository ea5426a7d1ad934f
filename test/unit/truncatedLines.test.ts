import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/lineSplitter';
import { parseLine } from '../../src/logs/parseLine';
import { closeTruncatedJson } from '../../src/logs/truncatedJson';
import { FileFollower } from '../../src/sources/fileFollower';
import { waitUntil } from '../helpers/processes';

const ctx = { source: 'app', seq: 1, receivedAt: Date.parse('2026-11-22T03:00:00Z') };

describe('a JSON object cut at any point', () => {
  it('closes into valid JSON that keeps every member written completely before the cut (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 6 }),
        fc.nat(),
        (obj, at) => {
          const full = JSON.stringify(obj);
          const cutAt = at % full.length;
          const closed = closeTruncatedJson(full.slice(0, cutAt));
          if (closed === undefined) return;
          const parsed = JSON.parse(closed) as Record<string, unknown>;
          // Every member followed by its delimiter before the cut survives (a number or literal at the
          // very end might itself be cut short, so it is not counted as written).
          let offset = 1;
          for (const [k, v] of Object.entries(obj)) {
            const member = `${JSON.stringify(k)}:${JSON.stringify(v)}`;
            offset += member.length;
            if (offset < cutAt) expect(parsed[k]).toEqual(JSON.parse(JSON.stringify(v)));
            offset += 1;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('long lines keep their start and are parsed from it', () => {
  const long = (level: string) =>
    Buffer.from(
      `${JSON.stringify({ time: '2026-11-22T02:59:00Z', level, request_id: 'req-cut-1', msg: `boom ${'x'.repeat(100_000)}` })}\n`,
    );

  it('a cut JSON line keeps its time, level and request id, and shows the marker', () => {
    const [line] = new LineSplitter().push(long('error'));
    const r = parseLine(line as string, ctx);
    expect(r.level).toBe('error');
    expect(r.requestId).toBe('req-cut-1');
    expect(r.time).toBe(Date.parse('2026-11-22T02:59:00Z'));
    expect(r.structured).toBe(true);
    expect(r.message.startsWith('boom xxx')).toBe(true);
    expect(r.message).toMatch(/…\[\+\d+ bytes cut\]$/);
    expect(r.text).toMatch(/^\{"time":"2026-11-22T02:59:00Z"/);
  });

  it('field values that name Object members stay text', () => {
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const r = parseLine(JSON.stringify({ level: word, msg: word, request_id: word }), ctx);
      expect(r.level).toBeUndefined();
      expect(r.message).toBe(word);
      expect(r.requestId).toBe(word);
      expect(`${r.message} ${r.text}`).not.toMatch(/\[object Object\]|undefined|function/);
    }
    const nested = parseLine('{"level":"warn","msg":{"a":1}}', ctx);
    expect(nested.level).toBe('warn');
    expect(nested.message).not.toContain('[object Object]');
  });
});

describe('the line splitter keeps what it was given', () => {
  it('is unaffected by a caller that reuses its read buffer (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 60 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 8, max: 64 }),
        (lines, chunk, cap) => {
          const bytes = Buffer.from(`${lines.join('\n')}\n`);
          const expected = new LineSplitter(cap).push(Buffer.from(bytes));
          const splitter = new LineSplitter(cap);
          const reused = Buffer.alloc(chunk);
          const got: string[] = [];
          for (let at = 0; at < bytes.length; at += chunk) {
            const n = bytes.copy(reused, 0, at, at + chunk);
            got.push(...splitter.push(reused.subarray(0, n)));
            reused.fill(0x21); // what the next read would do to it
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a follower shows a long line written in pieces from its start, once, with the marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-follow-long-'));
    const path = join(dir, 'grow.log');
    writeFileSync(path, '');
    const seen: string[] = [];
    const follower = new FileFollower(
      path,
      'app',
      (e) => {
        if (e.type === 'log-lines') seen.push(...e.lines);
      },
      { fromStart: true, pollMs: 20 },
    );
    follower.start();
    try {
      appendFileSync(path, '{"level":"error","request_id":"req-grow","msg":"');
      for (let i = 0; i < 8; i++) {
        appendFileSync(path, String(i).repeat(300_000));
        await new Promise((r) => setTimeout(r, 30));
      }
      appendFileSync(path, '"}\n{"level":"info","msg":"after"}\n');
      await waitUntil(() => seen.length >= 2, 10_000, 'both lines');
    } finally {
      follower.stop();
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]?.startsWith('{"level":"error","request_id":"req-grow","msg":"000')).toBe(true);
    expect(seen[0]).toMatch(/…\[\+\d+ bytes cut\]$/);
    expect(parseLine(seen[0] as string, ctx).level).toBe('error');
    expect(seen[1]).toBe('{"level":"info","msg":"after"}');
  });
});
