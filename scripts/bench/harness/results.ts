// The run's figures as JSON beside the printed table, so runs can be compared: one file per run and
// latest.json, each with the machine and the commit the figures belong to.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BenchmarkResult, benchDir, root } from './context';

export interface BenchResults {
  startedAt: string;
  finishedAt: string | null;
  commit: string | null;
  /** Uncommitted changes in the working tree: the figures are not the commit's alone. */
  dirty: boolean;
  machine: {
    cpu: string;
    cores: number;
    memoryBytes: number;
    node: string;
    platform: string;
    kernel: string;
    /** The 1, 5 and 15 minute load averages when the run started: a loaded machine gives noisy figures. */
    loadAverage: number[];
  };
  only: string[] | null;
  benchmarks: Record<string, BenchmarkResult>;
}

function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function newResults(only: string[] | null): BenchResults {
  return {
    startedAt: new Date().toISOString(),
    finishedAt: null,
    commit: git('rev-parse', 'HEAD'),
    dirty: (git('status', '--porcelain', '--untracked-files=no') ?? '') !== '',
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memoryBytes: totalmem(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      kernel: release(),
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    },
    only,
    benchmarks: {},
  };
}

/** Where this run's results go: .bench/results-<start time>.json (colons left out of the name). */
export const resultsFile = (results: BenchResults): string =>
  join(benchDir, `results-${results.startedAt.replaceAll(':', '-')}.json`);

/** Writes the run's file and latest.json, each replaced whole (a reader never sees half a file). */
export function writeResults(results: BenchResults): string {
  mkdirSync(benchDir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const file = resultsFile(results);
  for (const target of [file, join(benchDir, 'latest.json')]) {
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  }
  return file;
}
