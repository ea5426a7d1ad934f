import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
