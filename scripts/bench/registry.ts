// Every benchmark, in the order a full run takes them; BENCH_ONLY picks some by name.
import { alertsBench } from './alerts';
import { chatBench } from './chat';
import { consoleBench } from './console';
import { distBench } from './dist';
import { fleetBench } from './fleet';
import { floodBench } from './flood';
import { type Benchmark, BenchUsageError } from './harness/context';
import { journalBench } from './journal';
import { kubernetesBench } from './kubernetes';
import { logStoreBench } from './logStore';
import { patternsBench } from './patterns';
import { readBackBench } from './readBack';
import { redactBench } from './redact';
import { replayBench } from './replay';
import { searchBench } from './search';
import { serveBench } from './serve';
import { soakBench } from './soak';

export const BENCHMARKS: readonly Benchmark[] = [
  searchBench,
  logStoreBench,
  readBackBench,
  consoleBench,
  floodBench,
  soakBench,
  redactBench,
  fleetBench,
  alertsBench,
  chatBench,
  replayBench,
  journalBench,
  patternsBench,
  kubernetesBench,
  serveBench,
  distBench,
];

/** The benchmarks BENCH_ONLY names (comma-separated), in the registry's order; all without it. */
export function selectBenchmarks(only: string | undefined): Benchmark[] {
  if (only === undefined || only.trim() === '') return [...BENCHMARKS];
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const known = BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new BenchUsageError(
      `BENCH_ONLY=${only}: no benchmark named ${unknown.join(', ')}.\n  fix: name some of ${known.join(', ')} (comma-separated).`,
    );
  return BENCHMARKS.filter((b) => names.includes(b.name));
}
