// `npm run bench:unit`: what the console does to each line, parse then mine its template, on the
// loghub samples (lines per second is the figure; `npm run bench` adds the grouping accuracy).
import { bench, describe } from 'vitest';
import { parseLine } from '../../src/logs/parseLine';
import { PatternIndex } from '../../src/logs/patterns/patternIndex';
import { LOGHUB_SETS, loghubSet } from '../helpers/loghub';

describe('parse and mine 2,000 lines', () => {
  for (const name of LOGHUB_SETS) {
    const { lines } = loghubSet(name);
    bench(name, () => {
      const index = new PatternIndex();
      for (let i = 0; i < lines.length; i++)
        index.add(parseLine(lines[i] as string, { source: name, seq: i, receivedAt: 0 }));
    });
  }
});
