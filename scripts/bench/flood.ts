// A log flood into the running console: CPU, peak RSS, event-loop delay, keypress-to-screen and the
// bytes it writes to the terminal.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Benchmark, benchDir } from './harness/context';
import { type ConsoleDiagnostics, diagnostics, fmt, mb, mib, pct, procStat } from './harness/measure';
import { bytesWritten, keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

export const floodBench: Benchmark = {
  name: 'flood',
  settings: { BENCH_FLOOD_SECONDS: 30, BENCH_FLOOD_RATE: 50_000 },
  async run(bench) {
    const floodSeconds = bench.setting('BENCH_FLOOD_SECONDS');
    const rate = bench.setting('BENCH_FLOOD_RATE');
    console.log(`\n## log flood: ${rate} lines/s into the running console for ${floodSeconds}s\n`);
    const stateDir = join(benchDir, `state-flood-${Date.now()}`);
    const diag = join(benchDir, `diag-${Date.now()}.jsonl`);
    const c = startConsole(['demo', '--deploy-after', 'never', '--log-flood', String(rate)], {
      env: { OPSCONSOLE_STATE_DIR: stateDir, OPSCONSOLE_DIAGNOSTICS_FILE: diag },
    });
    let cpu: number;
    let bytesPerS: number;
    let peak = 0;
    const lat: number[] = [];
    try {
      await timeUntilScreen(c, /worker\s+running/);
      await sleep(2000);
      const b0 = bytesWritten(c);
      const t0 = performance.now();
      const cpu0 = procStat(c.pid).ticks;
      while (performance.now() - t0 < floodSeconds * 1000) {
        peak = Math.max(peak, procStat(c.pid).rss);
        lat.push(...(await keyLatencies(c, 1)));
        await sleep(250);
      }
      const seconds = (performance.now() - t0) / 1000;
      cpu = (procStat(c.pid).ticks - cpu0) / 100 / seconds;
      bytesPerS = (bytesWritten(c) - b0) / seconds;
    } finally {
      await quit(c);
      rmSync(stateDir, { recursive: true, force: true });
    }
    const during = diagnostics<ConsoleDiagnostics>(diag).slice(3);
    const peakRss = Math.max(peak, ...during.map((x) => x.rss));
    const loopWorst = Math.max(...during.map((x) => x.loopP99Ms));
    const loopMedian = pct(
      during.map((x) => x.loopP99Ms),
      50,
    );
    console.log(
      `console CPU during the flood (the demo's generator included): ${(cpu * 100).toFixed(1)}% of a core`,
    );
    console.log(`peak RSS: ${mb(peakRss)} (goal < 250 MB)`);
    console.log(
      `event-loop delay p99 (worst 1 s window): ${loopWorst.toFixed(1)} ms; median of windows: ${loopMedian.toFixed(1)} ms`,
    );
    console.log(
      `keypress-to-screen during the flood: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))} (goal p99 < 200 ms), ${lat.length} presses`,
    );
    console.log(`bytes to the terminal during the flood: ${(bytesPerS / 1024).toFixed(1)} KiB/s`);
    bench.figure('console CPU during the flood', cpu * 100, '% of a core');
    bench.figure('peak RSS', mib(peakRss), 'MiB');
    bench.figure('event-loop delay p99, worst 1 s window', loopWorst, 'ms');
    bench.figure('event-loop delay p99, median of windows', loopMedian, 'ms');
    bench.figure('keypress-to-screen p50', pct(lat, 50), 'ms');
    bench.figure('keypress-to-screen p99', pct(lat, 99), 'ms');
    bench.figure('keypresses', lat.length, 'count');
    bench.figure('bytes to the terminal', bytesPerS / 1024, 'KiB/s');
  },
};
