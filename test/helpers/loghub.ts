import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The loghub 2k samples copied under test/fixtures/loghub (LICENSE kept beside them). */
export const LOGHUB_DIR = join(process.cwd(), 'test', 'fixtures', 'loghub');
export const LOGHUB_SETS = ['Apache', 'Linux', 'Zookeeper'] as const;

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and newlines. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** A set's raw lines (as a user has them) and the ground-truth event id of each. */
export function loghubSet(name: string): { file: string; lines: string[]; truth: string[] } {
  const file = join(LOGHUB_DIR, `${name}_2k.log`);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const [header, ...rows] = csvRows(readFileSync(`${file}_structured.csv`, 'utf8'));
  const event = header?.indexOf('EventId') ?? -1;
  const truth = rows.filter((r) => r.length > event).map((r) => r[event] as string);
  if (truth.length !== lines.length)
    throw new Error(`${name}: ${lines.length} lines, ${truth.length} labels`);
  return { file, lines, truth };
}

/**
 * Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", 2019): a line
 * counts when the group it was put in holds exactly the lines of its true group.
 */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly string[]): number {
  const members = <K>(keys: readonly K[]) => {
    const m = new Map<K, number[]>();
    keys.forEach((k, i) => {
      const list = m.get(k);
      if (list) list.push(i);
      else m.set(k, [i]);
    });
    return m;
  };
  const byPrediction = members(predicted);
  const byTruth = members(truth);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = byPrediction.get(predicted[i] as string | number) as number[];
    const t = byTruth.get(truth[i] as string) as number[];
    if (p.length === t.length && p.every((x, k) => x === t[k])) correct++;
  }
  return correct / truth.length;
}
