import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { groupingAccuracy, LOGHUB_SETS, loghubSet } from '../helpers/loghub';

interface PrintedPattern {
  source: string;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  sample: string;
  lines: number[];
}

const printed = async (args: string[]) => {
  const r = await runCli(['logs', '--patterns', '--json', ...args]);
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PrintedPattern);
};

describe('logs --patterns on loghub, raw lines, no per-set configuration', () => {
  for (const name of LOGHUB_SETS)
    it(`${name}: every line in exactly one template, grouping accuracy at least 0.90`, async () => {
      const set = loghubSet(name);
      const patterns = await printed(['--file', set.file]);
      const predicted: number[] = new Array(set.lines.length).fill(-1);
      patterns.forEach((p, i) => {
        expect(p.count).toBe(p.lines.length);
        for (const line of p.lines) {
          expect(predicted[line - 1]).toBe(-1);
          predicted[line - 1] = i;
        }
      });
      expect(predicted.filter((p) => p === -1)).toEqual([]);
      const ga = groupingAccuracy(predicted, set.truth);
      expect(ga).toBeGreaterThanOrEqual(0.9);
    });

  it('keeps only templates first seen after --new-since, and says so for a person', async () => {
    const { file } = loghubSet('Zookeeper');
    const all = await printed(['--file', file]);
    const since = '2015-08-01T00:00:00Z';
    const recent = await printed(['--file', file, '--new-since', since]);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(all.length);
    for (const p of recent) expect(Date.parse(p.firstSeen)).toBeGreaterThan(Date.parse(since));
    expect(recent.map((p) => p.template)).toEqual(
      all.filter((p) => Date.parse(p.firstSeen) > Date.parse(since)).map((p) => p.template),
    );
    const text = await runCli(['logs', '--patterns', '--file', file]);
    expect(text.stdout).toMatch(/^ +\d+ {2}2015-\S+ … 2015-\S+ {2}Received connection request <\*>$/m);
    expect(text.stdout).toMatch(/^ {9}e\.g\. 2015-\S+ \S+ - INFO/m);
  });

  it('refuses --follow and a --new-since without --patterns, with exit 2', async () => {
    const { file } = loghubSet('Apache');
    const follow = await runCli(['logs', '--patterns', '--follow', '--file', file]);
    expect(follow.code).toBe(2);
    expect(follow.stderr).toContain('cannot --follow');
    const stray = await runCli(['logs', '--new-since', '-10m', '--file', file]);
    expect(stray.code).toBe(2);
    const bad = await runCli(['logs', '--patterns', '--new-since', 'yesterday-ish', '--file', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a time/);
  });
});
