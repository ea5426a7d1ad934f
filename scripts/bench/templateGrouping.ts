// Grouping accuracy of the template miner on every corpus we have (loghub's three samples and our
// own header families), and its parameters chosen by leave-one-corpus-out cross-validation, so the
// figure that matters is how it does on a corpus it was not tuned on.
import { parseLine } from '../../src/logs/parseLine';
import { PatternIndex } from '../../src/logs/patterns/patternIndex';
import { LOG_FORMATS, type LogCorpus } from '../../test/fixtures/logFormats';
import { groupingAccuracy, LOGHUB_SETS, loghubSet } from '../../test/helpers/loghub';

export interface MinerParams {
  depth: number;
  similarity: number;
}

/** The miner's defaults first: a tie keeps what ships. */
export const PARAM_GRID: MinerParams[] = [
  { depth: 5, similarity: 0.5 },
  ...[3, 4, 5, 6]
    .flatMap((depth) => [0.4, 0.5, 0.6, 0.7].map((similarity) => ({ depth, similarity })))
    .filter((p) => !(p.depth === 5 && p.similarity === 0.5)),
];

export function allCorpora(): LogCorpus[] {
  return [
    ...LOGHUB_SETS.map((name) => {
      const { lines, truth } = loghubSet(name);
      return { name: `loghub ${name}`, lines, truth };
    }),
    ...LOG_FORMATS,
  ];
}

/** Grouping accuracy of the console's own path (parse, then mine) on one corpus. */
export function accuracyOn(corpus: LogCorpus, miner?: MinerParams): number {
  const index = new PatternIndex(miner ? { miner } : {});
  const keys = corpus.lines.map(
    (l, i) => index.add(parseLine(l, { source: 'corpus', seq: i, receivedAt: 0 })).key,
  );
  return groupingAccuracy(keys, corpus.truth);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Leave one corpus out: for each corpus, the parameters best on all the others (ties to the
 * earlier in the grid), scored on it. The mean of those scores is the out-of-sample figure.
 */
export function crossValidate(corpora: LogCorpus[]): {
  heldOut: { name: string; params: MinerParams; accuracy: number }[];
  meanHeldOut: number;
  bestInSample: { params: MinerParams; mean: number };
} {
  const table = PARAM_GRID.map((params) => corpora.map((c) => accuracyOn(c, params)));
  const heldOut = corpora.map((c, k) => {
    let best = 0;
    let bestScore = -1;
    table.forEach((row, p) => {
      const score = mean(row.filter((_, i) => i !== k));
      if (score > bestScore + 1e-9) {
        best = p;
        bestScore = score;
      }
    });
    return { name: c.name, params: PARAM_GRID[best] as MinerParams, accuracy: table[best]?.[k] as number };
  });
  const means = table.map(mean);
  const top = means.indexOf(Math.max(...means));
  return {
    heldOut,
    meanHeldOut: mean(heldOut.map((h) => h.accuracy)),
    bestInSample: { params: PARAM_GRID[top] as MinerParams, mean: means[top] as number },
  };
}
