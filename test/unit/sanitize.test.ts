import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInert, sanitize } from '../../src/text/sanitize';

const ESC = '\u001b';

describe('sanitize', () => {
  it('passes printable text through unchanged', () => {
    expect(sanitize('GET /api 200 ünïcødé ✓')).toBe('GET /api 200 ünïcødé ✓');
  });

  it.each([
    ['CSI colour', `${ESC}[31mred${ESC}[0m`, 'red'],
    ['CSI cursor movement', `a${ESC}[2J${ESC}[H b`, 'a b'],
    ['private-mode CSI', `${ESC}[?1049hx`, 'x'],
    ['OSC title with BEL', `${ESC}]0;pwned\u0007after`, 'after'],
    ['OSC 8 hyperlink', `${ESC}]8;;http://evil${ESC}\\click${ESC}]8;;${ESC}\\`, 'click'],
    ['OSC 52 clipboard write', `${ESC}]52;c;cm0gLXJmIC8=\u0007ok`, 'ok'],
    ['DCS', `${ESC}Pq#0;2;0;0;0${ESC}\\x`, 'x'],
    ['APC', `${ESC}_Gf=100;AAAA${ESC}\\y`, 'y'],
    ['PM', `${ESC}^secret${ESC}\\z`, 'z'],
    ['SOS', `${ESC}Xhidden${ESC}\\w`, 'w'],
    ['8-bit CSI', '\u009b31mred', 'red'],
    ['8-bit OSC with 8-bit ST', '\u009d0;title\u009cafter', 'after'],
    ['two-byte ESC reset', `${ESC}cafter`, 'after'],
    ['charset designation', `${ESC}(0q`, 'q'],
    ['unterminated OSC swallows the rest', `before${ESC}]0;never ends`, 'before'],
  ])('drops %s', (_name, input, expected) => {
    expect(sanitize(input)).toBe(expected);
  });

  it('shows CR, BS, BEL and NUL visibly instead of acting on them', () => {
    expect(sanitize('a\rb\bc\u0007d\u0000e')).toBe('a␍b␈c␇d␀e');
  });

  it('drops a lone ESC at the end', () => {
    expect(sanitize(`tail${ESC}`)).toBe('tail');
  });

  it('shows bidi overrides visibly', () => {
    expect(sanitize('admin\u202Etxt.exe')).toBe('admin<U+202E>txt.exe');
    expect(sanitize('\u2066x\u2069')).toBe('<U+2066>x<U+2069>');
  });

  it('leaves no control characters, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(isInert(sanitize(s))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps escape-laden corpora inert when pieces are concatenated (property)', () => {
    const pieces = fc.constantFrom(
      `${ESC}[`,
      `${ESC}]`,
      `${ESC}P`,
      `${ESC}\\`,
      '\u0007',
      '\u009b',
      '\u009d',
      '\u009c',
      '\r',
      '\u202e',
      'm',
      '0;',
      'text',
      ESC,
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        expect(isInert(sanitize(parts.join('')))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
