// What the benchmarks measure with: percentiles, the shapes figures are printed in, a command's
// wall time, and a process's CPU and memory read from /proc.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Milliseconds as people read them: `850 ms`, `1.25 s`. */
export const fmt = (ms: number): string =>
  ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;

/** Bytes in MiB, labelled MB as the figures in the notes always were. */
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export const mib = (bytes: number): number => bytes / 1024 / 1024;

/** The p-th percentile (nearest rank) of `xs`; NaN when there are none. */
export function pct(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Least-squares slope of (t seconds, y) points, per minute. */
export function slopePerMinute(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mt = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mt) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

export type CommandTime = { ms: number; lines: number } | { error: string };

/** The median wall time of `runs` runs of a command, and the lines it printed; exit 1 is no match. */
export function timeCommand(cmd: string, args: string[], runs = 3): CommandTime {
  const times: number[] = [];
  let lines = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) return { error: (r.stderr || String(r.error)).slice(0, 200) };
    lines = r.stdout.split('\n').filter(Boolean).length;
  }
  return { ms: pct(times, 50), lines };
}

/** A process's CPU time so far (user + system, in clock ticks of 1/100 s) and its resident memory. */
export function procStat(pid: number): { ticks: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  return { ticks: Number(fields[11]) + Number(fields[12]), rss };
}

/** Percent of one core used between two `procStat` readings `seconds` apart. */
export const corePercent = (before: { ticks: number }, after: { ticks: number }, seconds: number): number =>
  ((after.ticks - before.ticks) / 100 / seconds) * 100;

/** CPU ticks of every process whose command line contains `pattern` (dockerd, its containerd). */
export function ticksOf(pattern: string): number {
  let total = 0;
  const pids = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const pid of pids)
    try {
      total += procStat(Number(pid)).ticks;
    } catch {
      // gone meanwhile
    }
  return total;
}

/** The lines of a diagnostics file (OPSCONSOLE_DIAGNOSTICS_FILE), one JSON object each. */
export function diagnostics<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** One line of the console's diagnostics file (written each second). */
export interface ConsoleDiagnostics {
  at: number;
  rss: number;
  loopP99Ms: number;
  loopMaxMs: number;
  lines: { received: number; queued: number; merging: number; shown: number; held: number; evicted: number };
  /** The log store's account, when the console keeps one. */
  store: {
    received: number;
    stored: number;
    inFlight: number;
    alreadyStored: number;
    dropped: Record<string, number>;
  } | null;
}
