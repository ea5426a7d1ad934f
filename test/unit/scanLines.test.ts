import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/lineSplitter';
import { scanFile } from '../../src/logs/scanLines';

const dir = mkdtempSync(join(tmpdir(), 'oc-scan-'));

describe('scanFile', () => {
  it('finds exactly the lines a naive search finds, whichever needle byte it starts from (property)', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9 -]{0,40}$/), { minLength: 1, maxLength: 60 }),
        fc.stringMatching(/^[a-z0-9-]{1,8}$/),
        (lines, needle) => {
          const file = join(dir, `f${n++}`);
          writeFileSync(file, `${lines.join('\n')}\n`);
          const found: string[] = [];
          scanFile(file, Buffer.from(needle), (l) => found.push(l));
          expect(found).toEqual(lines.filter((l) => l.includes(needle)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads every line when there is no needle, across block boundaries, without a final newline', () => {
    const file = join(dir, 'blocks');
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    writeFileSync(file, lines.join('\n'));
    let count = 0;
    let last = '';
    scanFile(file, undefined, (l) => {
      count++;
      last = l;
    });
    expect(count).toBe(lines.length);
    expect(last).toBe(lines.at(-1));
  });
});

describe('scanFile and over-long lines', () => {
  it('keeps the first bytes of every line, with the cut marker, exactly as the line splitter does (property)', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => s.replaceAll('\n', ' ')),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 8, max: 80 }),
        fc.integer({ min: 16, max: 200 }),
        fc.option(fc.stringMatching(/^[a-z]{2,6}$/), { nil: undefined }),
        (lines, maxLineBytes, chunkBytes, needle) => {
          const file = join(dir, `long${n++}`);
          const bytes = Buffer.from(`${lines.join('\n')}\n`);
          writeFileSync(file, bytes);
          const expected = new LineSplitter(maxLineBytes)
            .push(bytes)
            .filter((_, i) => needle === undefined || Buffer.from(lines[i] as string).includes(needle));
          const found: string[] = [];
          scanFile(
            file,
            needle === undefined ? undefined : Buffer.from(needle),
            (l) => found.push(l),
            maxLineBytes,
            chunkBytes,
          );
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a 64 MiB JSON line at level error keeps its start, is marked, and is found by level', () => {
    const file = join(dir, 'huge.json');
    const line = JSON.stringify({
      level: 'error',
      request_id: 'req-huge',
      msg: 'x'.repeat(64 * 1024 * 1024),
    });
    writeFileSync(file, `{"level":"info","msg":"small"}\n${line}\n{"level":"info","msg":"after"}\n`);
    const found: string[] = [];
    scanFile(file, undefined, (l) => found.push(l));
    expect(found).toHaveLength(3);
    expect(found[1]?.startsWith('{"level":"error","request_id":"req-huge"')).toBe(true);
    expect(found[1]).toMatch(/…\[\+\d+ bytes cut\]$/);
    expect(Buffer.byteLength(found[1] as string)).toBeLessThan(17 * 1024);
    expect(found[2]).toBe('{"level":"info","msg":"after"}');
  });
});
