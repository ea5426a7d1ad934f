import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/lineSplitter';

const enc = (s: string) => new TextEncoder().encode(s);

function splitAll(chunks: Uint8Array[], max?: number): string[] {
  const s = new LineSplitter(max);
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

describe('LineSplitter', () => {
  it('splits on LF, strips CR of CRLF and emits a last unterminated line at the end', () => {
    expect(splitAll([enc('a\r\nb\nc')])).toEqual(['a', 'b', 'c']);
  });

  it('gives the same lines however the bytes are chunked, even inside multi-byte characters (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, cuts) => {
          const bytes = enc(lines.map((l) => l.replace(/[\r\n]/g, '')).join('\n'));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            chunks.push(bytes.subarray(prev, p));
            prev = p;
          }
          expect(splitAll(chunks)).toEqual(splitAll([bytes]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('caps a huge line without newline and marks how much was cut, never splitting a character', () => {
    const s = new LineSplitter(11); // the 11th byte starts a character that does not fit
    const big = enc(`${'é'.repeat(8)}`); // 16 bytes, 2 per character
    const out = [...s.push(big), ...s.push(enc('xyz\nnext\n'))];
    expect(out[0]).toBe('ééééé …[+9 bytes cut]');
    expect(out[1]).toBe('next');
  });

  it('holds a 16 MiB line to the cap in memory and reports its size', () => {
    const s = new LineSplitter(1024);
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    for (let i = 0; i < 16; i++) expect(s.push(chunk)).toEqual([]);
    const [line] = s.end();
    expect(line?.startsWith('a'.repeat(1024))).toBe(true);
    expect(line).toContain(`+${16 * 1024 * 1024 - 1024} bytes cut`);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(splitAll([new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a])])).toEqual(['a\uFFFD\uFFFDb']);
  });
});
