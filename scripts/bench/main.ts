// `npm run bench`: measures opsconsole beside the tools an operator would otherwise use, in the same
// run, on this machine, and prints ratios. Nothing here is asserted; the figures go in the notes, and
// as JSON in .bench/results-<start time>.json and .bench/latest.json to compare runs.
//
// BENCH_ONLY (comma-separated names, see registry.ts) runs some; each benchmark's module says what it
// measures and its settings (environment variables with defaults) are listed in the JSON.
import { type BenchmarkResult, BenchRecorder, BenchUsageError, resolveSettings } from './harness/context';
import { newResults, writeResults } from './harness/results';
import { runJournalWriter } from './journalWriter';
import { selectBenchmarks } from './registry';

async function main(): Promise<number> {
  let selected: ReturnType<typeof selectBenchmarks>;
  let settings: Record<string, number>[];
  try {
    selected = selectBenchmarks(process.env.BENCH_ONLY);
    settings = selected.map(resolveSettings);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    console.error(`bench: ${err.message}`);
    return 2;
  }
  const results = newResults(process.env.BENCH_ONLY ? selected.map((b) => b.name) : null);
  console.log(`opsconsole bench on ${process.version}, ${results.startedAt}`);
  let failed = 0;
  for (const [i, benchmark] of selected.entries()) {
    const recorder = new BenchRecorder(benchmark.name, settings[i] as Record<string, number>);
    const t0 = performance.now();
    let error: string | undefined;
    try {
      await benchmark.run(recorder);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      console.log(`${benchmark.name} failed: ${error}`);
      failed++;
    }
    const result: BenchmarkResult = {
      settings: recorder.settings,
      figures: recorder.figures,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      ...(error !== undefined && { error }),
    };
    results.benchmarks[benchmark.name] = result;
    // Written after each benchmark: a long run stopped halfway keeps what it measured.
    writeResults(results);
  }
  results.finishedAt = new Date().toISOString();
  const file = writeResults(results);
  console.log(
    `\nresults: ${file} (and .bench/latest.json)${failed ? `; ${failed} benchmark(s) failed` : ''}`,
  );
  return failed ? 1 : 0;
}

// Exits when done: a terminal or server a failed benchmark left behind must not hold the run open.
// The shared-journal benchmark runs this same file as its writer processes.
process.exit(process.argv[2] === '--journal-writer' ? runJournalWriter(process.argv.slice(3)) : await main());
