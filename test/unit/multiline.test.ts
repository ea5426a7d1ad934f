import { describe, expect, it } from 'vitest';
import { impliedLevel, JOIN_WINDOW_MS, MultilineJoiner } from '../../src/logs/multiline';
import { MULTILINE_FAMILIES } from '../fixtures/multiline/families';

/** Groups lines of one source into records as the console does: [first line, how many lines]. */
function records(lines: readonly { source: string; line: string; at: number }[]) {
  const joiner = new MultilineJoiner();
  const out: { source: string; first: string; lines: number }[] = [];
  const last = new Map<string, { source: string; first: string; lines: number }>();
  for (const { source, line, at } of lines) {
    const open = last.get(source);
    if (open && joiner.continues(source, line, at)) {
      open.lines++;
      continue;
    }
    const r = { source, first: line, lines: 1 };
    joiner.started(source, line, at, /ERROR/.test(line) ? 'error' : undefined);
    last.set(source, r);
    out.push(r);
  }
  return out;
}
const of = (source: string, lines: readonly string[], at = 0) => lines.map((line) => ({ source, line, at }));

describe('multi-line records', () => {
  it.each(Object.entries(MULTILINE_FAMILIES))(
    '%s is one record, the lines around it their own',
    (_, family) => {
      const before = '2026-12-03 03:14:14,000 INFO app: request completed in 4 ms';
      const after = '2026-12-03 03:14:18,000 INFO app: request completed in 5 ms';
      expect(records(of('api', [before, ...family, after]))).toEqual([
        { source: 'api', first: before, lines: 1 },
        { source: 'api', first: family[0], lines: family.length },
        { source: 'api', first: after, lines: 1 },
      ]);
    },
  );

  it('two services interleaved never merge: a frame joins its own source’s record', () => {
    const java = MULTILINE_FAMILIES['Java stack trace'] as string[];
    const node = MULTILINE_FAMILIES['Node error stack'] as string[];
    const mixed = [
      { source: 'cart', line: java[0] as string, at: 0 },
      { source: 'web', line: node[0] as string, at: 1 },
      { source: 'cart', line: java[1] as string, at: 2 },
      { source: 'web', line: node[1] as string, at: 3 },
      { source: 'cart', line: java[2] as string, at: 4 },
      { source: 'web', line: node[2] as string, at: 5 },
    ];
    expect(records(mixed).map((r) => [r.source, r.lines])).toEqual([
      ['cart', 3],
      ['web', 3],
    ]);
  });

  it('a traceback after an info line is an error record of its own, not part of that line', () => {
    const python = MULTILINE_FAMILIES['Python traceback'] as string[];
    const r = records(of('api', ['2026-12-03 03:14:01,000 INFO app: request ok', ...python.slice(1)]));
    expect(r.map((x) => [x.first, x.lines])).toEqual([
      ['2026-12-03 03:14:01,000 INFO app: request ok', 1],
      ['Traceback (most recent call last):', python.length - 1],
    ]);
    expect(impliedLevel('Traceback (most recent call last):')).toBe('error');
    expect(impliedLevel('panic: boom')).toBe('fatal');
  });

  it('a frame that comes long after its record is a record of its own', () => {
    const r = records([
      { source: 'api', line: 'TypeError: x', at: 0 },
      { source: 'api', line: '    at f (/a.js:1:1)', at: JOIN_WINDOW_MS + 1 },
    ]);
    expect(r.map((x) => x.lines)).toEqual([1, 1]);
  });

  it('lines that merely start with a space, or an exception name after an info line, are not joined', () => {
    const r = records(
      of('api', [
        'INFO config loaded',
        '  listen: 8080',
        'INFO ready',
        'java.lang.Exception: not after an error',
      ]),
    );
    expect(r.map((x) => x.lines)).toEqual([1, 1, 1, 1]);
  });
});
