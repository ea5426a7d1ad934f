// Log templates: grouping accuracy on loghub's samples beside a naive digit-masking grouping; parse +
// mine throughput on one core (in this process); `opsconsole logs --patterns` beside the naive shell
// pipeline (sed | sort | uniq -c).
import { readFileSync } from 'node:fs';
import { parseLine } from '../../src/logs/parseLine';
import { messageBody } from '../../src/logs/patterns/messageBody';
import { PatternIndex } from '../../src/logs/patterns/patternIndex';
import { groupingAccuracy, LOGHUB_SETS, loghubSet } from '../../test/helpers/loghub';
import { type Benchmark, bin } from './harness/context';
import { corpus } from './harness/corpus';
import { fmt, timeCommand } from './harness/measure';
import { accuracyOn, allCorpora, crossValidate } from './templateGrouping';

/** Lines per second through what the console does to each line: parse, then mine its template. */
function minerThroughput(file: string): { lines: number; ms: number; templates: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = new PatternIndex();
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) {
    index.add(parseLine(lines[i] as string, { source: 'bench', seq: i, receivedAt: 0 }));
  }
  return { lines: lines.length, ms: performance.now() - t0, templates: index.all().length };
}

const naiveKey = (line: string) =>
  messageBody(line)
    .split(/\s+/)
    .map((t) => (/\d/.test(t) ? '<*>' : t))
    .join(' ');

function loghubNaive(): { name: string; naive: number }[] {
  return LOGHUB_SETS.map((name) => {
    const set = loghubSet(name);
    return { name, naive: groupingAccuracy(set.lines.map(naiveKey), set.truth) };
  });
}

export const patternsBench: Benchmark = {
  name: 'patterns',
  settings: { BENCH_LINES: 1_000_000 },
  async run(bench) {
    console.log('\n## log templates\n');
    // Every corpus we have, each listed: loghub's three samples, then our own header families.
    const corpora = allCorpora();
    for (const c of corpora) {
      const ga = accuracyOn(c);
      console.log(`grouping accuracy on ${c.name.padEnd(38)} ${ga.toFixed(3)}`);
      bench.figure(`grouping accuracy, ${c.name}`, ga, 'fraction');
    }
    for (const r of loghubNaive()) {
      console.log(`  naive digit masking on loghub ${r.name.padEnd(10)} ${r.naive.toFixed(3)}`);
      bench.figure(`grouping accuracy, ${r.name}, naive digit masking`, r.naive, 'fraction');
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const loghubMean = mean(corpora.filter((c) => c.name.startsWith('loghub')).map((c) => accuracyOn(c)));
    const ownMean = mean(corpora.filter((c) => !c.name.startsWith('loghub')).map((c) => accuracyOn(c)));
    console.log(`mean: loghub ${loghubMean.toFixed(3)}, our header families ${ownMean.toFixed(3)}`);
    bench.figure('grouping accuracy, loghub mean', loghubMean, 'fraction');
    bench.figure('grouping accuracy, our corpora mean', ownMean, 'fraction');
    // The parameters as they would be chosen without the corpus they are scored on.
    const cv = crossValidate(corpora);
    for (const h of cv.heldOut)
      console.log(
        `  held out ${h.name.padEnd(38)} chosen depth ${h.params.depth}, similarity ${h.params.similarity}: ${h.accuracy.toFixed(3)}`,
      );
    console.log(
      `leave-one-corpus-out mean ${cv.meanHeldOut.toFixed(3)}; best in-sample depth ${cv.bestInSample.params.depth}, similarity ${cv.bestInSample.params.similarity}: ${cv.bestInSample.mean.toFixed(3)}`,
    );
    bench.figure('grouping accuracy, leave-one-corpus-out mean', cv.meanHeldOut, 'fraction');
    bench.figure('grouping accuracy, best in-sample mean', cv.bestInSample.mean, 'fraction');
    const file = await corpus(bench.setting('BENCH_LINES'));
    minerThroughput(file); // warm up
    const runs = [1, 2, 3].map(() => minerThroughput(file));
    const best = runs.sort((a, b) => a.ms - b.ms)[0] as (typeof runs)[number];
    const perSecond = best.lines / (best.ms / 1000);
    console.log(
      `parse + mine on one core: ${Math.round(perSecond).toLocaleString('en')} lines/s (${best.lines} lines, ${best.templates} templates; goal ≥ 400,000)`,
    );
    bench.figure('parse + mine on one core', perSecond, 'lines/s');
    bench.figure('templates mined', best.templates, 'count');
    const ours = timeCommand(bin, ['logs', '--patterns', '--file', file], 1);
    const naive = timeCommand(
      'bash',
      ['-c', `sed -E 's/[^ ]*[0-9][^ ]*/<*>/g' '${file}' | sort | uniq -c | sort -rn`],
      1,
    );
    if ('error' in ours) throw new Error(`opsconsole logs --patterns failed: ${ours.error}`);
    if ('error' in naive) throw new Error(`sed | sort | uniq -c failed: ${naive.error}`);
    console.log(
      `opsconsole logs --patterns ${fmt(ours.ms)}, ${ours.lines} lines out; sed | sort | uniq -c ${fmt(naive.ms)}, ${naive.lines} lines out`,
    );
    console.log(`time opsconsole / naive pipeline: ${(ours.ms / naive.ms).toFixed(2)}x`);
    bench.figure('opsconsole logs --patterns: time', ours.ms, 'ms');
    bench.figure('opsconsole logs --patterns: lines out', ours.lines, 'lines');
    bench.figure('sed | sort | uniq -c: time', naive.ms, 'ms');
    bench.figure('sed | sort | uniq -c: lines out', naive.lines, 'lines');
    bench.figure('time opsconsole / naive pipeline', ours.ms / naive.ms, 'ratio');
  },
};
