// The console on the demo fleet at 80x24: time to first frame, CPU and bytes while it runs, memory,
// keypress-to-screen.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Benchmark, benchDir } from './harness/context';
import { corePercent, fmt, mb, mib, pct, procStat } from './harness/measure';
import { bytesWritten, keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

export const consoleBench: Benchmark = {
  name: 'console',
  settings: { BENCH_IDLE_SECONDS: 30 },
  async run(bench) {
    const idleSeconds = bench.setting('BENCH_IDLE_SECONDS');
    console.log(`\n## console (demo fleet, 80x24)\n`);
    const stateDir = join(benchDir, `state-${Date.now()}`);
    const t0 = performance.now();
    const c = startConsole(['demo', '--deploy-after', 'never'], { env: { OPSCONSOLE_STATE_DIR: stateDir } });
    try {
      await timeUntilScreen(c, /opsconsole · demo/);
      const firstFrame = performance.now() - t0;
      await timeUntilScreen(c, /worker\s+running/);
      const withData = performance.now() - t0;
      console.log(`time to first frame: ${fmt(firstFrame)} (to the fleet's status: ${fmt(withData)})`);
      bench.figure('time to first frame', firstFrame, 'ms');
      bench.figure("time to the fleet's status", withData, 'ms');
      await sleep(3000);
      const a = procStat(c.pid);
      const b0 = bytesWritten(c);
      await sleep(idleSeconds * 1000);
      const b = procStat(c.pid);
      const cpu = corePercent(a, b, idleSeconds);
      const bytesPerS = (bytesWritten(c) - b0) / idleSeconds;
      // The demo is never idle (20 requests/s of traffic): this is the console's cost while it runs.
      console.log(`CPU while the demo runs (${idleSeconds}s): ${cpu.toFixed(1)}% of a core`);
      console.log(`bytes to the terminal: ${(bytesPerS / 1024).toFixed(1)} KiB/s`);
      console.log(`memory (RSS) after ${idleSeconds + 3 + Math.round(withData / 1000)}s: ${mb(b.rss)}`);
      bench.figure('CPU while the demo runs', cpu, '% of a core');
      bench.figure('bytes to the terminal', bytesPerS / 1024, 'KiB/s');
      bench.figure('memory (RSS)', mib(b.rss), 'MiB');
      const lat = await keyLatencies(c, 20);
      console.log(`keypress-to-screen ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`);
      bench.figure('keypress-to-screen p50', pct(lat, 50), 'ms');
      bench.figure('keypress-to-screen p99', pct(lat, 99), 'ms');
    } finally {
      await quit(c);
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};
