// Bundled by bench.mjs: the template miner in-process (its throughput on one core, on the bench's
// corpus) and its grouping accuracy on loghub beside a naive "mask every token with a digit" grouping.
import { readFileSync } from 'node:fs';
import { parseLine } from '../src/logs/parseLine';
import { messageBody } from '../src/logs/patterns/messageBody';
import { PatternIndex } from '../src/logs/patterns/patternIndex';
import { groupingAccuracy, LOGHUB_SETS, loghubSet } from '../test/helpers/loghub';

/** Lines per second through what the console does to each line: parse, then mine its template. */
export function minerThroughput(file: string): { lines: number; ms: number; templates: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = new PatternIndex();
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const r = parseLine(lines[i] as string, { source: 'bench', seq: i, receivedAt: 0 });
    index.add(r);
  }
  return { lines: lines.length, ms: performance.now() - t0, templates: index.all().length };
}

const naiveKey = (line: string) =>
  messageBody(line)
    .split(/\s+/)
    .map((t) => (/\d/.test(t) ? '<*>' : t))
    .join(' ');

export function loghubAccuracy(): { name: string; ga: number; naive: number }[] {
  return LOGHUB_SETS.map((name) => {
    const set = loghubSet(name);
    const index = new PatternIndex();
    const keys = set.lines.map(
      (l, i) => index.add(parseLine(l, { source: name, seq: i, receivedAt: 0 })).key,
    );
    return {
      name,
      ga: groupingAccuracy(keys, set.truth),
      naive: groupingAccuracy(set.lines.map(naiveKey), set.truth),
    };
  });
}
