import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonShape, JsonShapeCheck, type JsonShapeLimits } from '../../src/sources/boundedJson';

const LIMITS: JsonShapeLimits = { maxMembers: 4, maxItems: 5, maxDepth: 3 };

function verdict(run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('the JSON shape check', () => {
  it('judges an answer fed in chunks, split anywhere (inside strings, escapes, multi-byte characters), as it judges it whole (property)', () => {
    const piece = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\"',
      '\\\\',
      'a',
      'é',
      '€',
      '𝄞',
      '1',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pieces, cuts) => {
          const text = pieces.join('');
          const bytes = Buffer.from(text);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunked = verdict(() => {
            const check = new JsonShapeCheck(LIMITS);
            let from = 0;
            for (const cut of [...at, bytes.length]) {
              check.push(bytes.subarray(from, cut));
              from = cut;
            }
          });
          expect(chunked).toBe(verdict(() => checkJsonShape(text, LIMITS)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses at the byte that crosses a limit, whatever follows', () => {
    const check = new JsonShapeCheck(LIMITS);
    check.push(Buffer.from('[{"a":1,"b":"x,y","c":3,"d":4'));
    expect(() => check.push(Buffer.from(','))).toThrow('an object of more than 4 members (at depth 1)');
  });
});
