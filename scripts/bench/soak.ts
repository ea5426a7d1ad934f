// A soak: lines written by this process into a pipe the console reads; the RSS slope over the run
// and the console's own accounting of every line against the lines written.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Benchmark, benchDir } from './harness/context';
import { type ConsoleDiagnostics, diagnostics, fmt, pct, procStat, slopePerMinute } from './harness/measure';
import { keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

export const soakBench: Benchmark = {
  name: 'soak',
  settings: { BENCH_SOAK_SECONDS: 60, BENCH_SOAK_RATE: 100_000 },
  async run(bench) {
    const soakSeconds = bench.setting('BENCH_SOAK_SECONDS');
    const rate = bench.setting('BENCH_SOAK_RATE');
    console.log(`\n## soak: ${rate} lines/s through a pipe into the running console for ${soakSeconds}s\n`);
    const stamp = Date.now();
    const fifo = join(benchDir, `soak-${stamp}.fifo`);
    execFileSync('mkfifo', [fifo]);
    const config = join(benchDir, `soak-${stamp}.yaml`);
    writeFileSync(
      config,
      `environments:\n  soak:\n    services:\n      flood:\n        logs:\n          - command: [cat, ${JSON.stringify(fifo)}]\n`,
    );
    const stateDir = join(benchDir, `state-soak-${stamp}`);
    const diag = join(benchDir, `diag-soak-${stamp}.jsonl`);
    const c = startConsole(['--config', config], {
      env: { OPSCONSOLE_STATE_DIR: stateDir, OPSCONSOLE_DIAGNOSTICS_FILE: diag },
    });
    let out: WriteStream | undefined;
    const perTick = Math.round(rate / 100);
    let written = 0;
    let stalledMs = 0;
    const rss: [number, number][] = [];
    let seconds: number;
    let counts: ConsoleDiagnostics | undefined;
    const keys: number[] = [];
    try {
      await timeUntilScreen(c, /opsconsole · soak/);
      // Opening a FIFO for writing waits for its reader (the console's `cat`).
      const pipe = createWriteStream(fifo);
      out = pipe;
      const drained = () => once(pipe, 'drain');
      await once(pipe, 'open');
      const t0 = performance.now();
      let nextSample = 0;
      // Keys while the lines pour in: the help overlay, every two seconds, as a person would.
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          await sleep(2000);
          if (sampling) keys.push(...(await keyLatencies(c, 1)));
        }
      })();
      while (performance.now() - t0 < soakSeconds * 1000) {
        const tickStart = performance.now();
        let chunk = '';
        for (let i = 0; i < perTick; i++, written++) {
          chunk += `{"time":"${new Date().toISOString()}","level":"${written % 50 === 0 ? 'error' : 'info'}","msg":"soak line","n":${written},"request_id":"req-${(written % 5000).toString(16)}","status":${written % 50 === 0 ? 500 : 200}}\n`;
        }
        if (!pipe.write(chunk)) {
          const s = performance.now();
          await drained();
          stalledMs += performance.now() - s;
        }
        const elapsed = performance.now() - t0;
        if (elapsed >= nextSample) {
          rss.push([elapsed / 1000, procStat(c.pid).rss / 1024 / 1024]);
          nextSample += 1000;
        }
        const wait = 10 - (performance.now() - tickStart);
        if (wait > 0) await sleep(wait);
      }
      seconds = (performance.now() - t0) / 1000;
      sampling = false;
      await sampler;
      // Everything written has entered the pipe once the stream is drained; the pipe stays open
      // (closing it would end `cat`, and the console would mark the restart with a line of its own).
      while (pipe.writableLength > 0) await drained();
      // Let the console take in the last lines (its reorder window, its next flush and diagnostics tick).
      const settleStart = performance.now();
      while (performance.now() - settleStart < 15_000) {
        counts = diagnostics<ConsoleDiagnostics>(diag).at(-1);
        const l = counts?.lines;
        if (l?.received === written && l.queued === 0 && l.merging === 0) break;
        await sleep(500);
      }
    } finally {
      await quit(c);
      out?.destroy();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(fifo, { force: true });
    }
    if (!counts) throw new Error(`the console wrote no diagnostics to ${diag}`);
    const half = rss.filter(([t]) => t >= seconds / 2);
    const l = counts.lines;
    const peak = Math.max(...rss.map((r) => r[1]));
    console.log(
      `written: ${written} lines in ${seconds.toFixed(0)} s (${(written / seconds).toFixed(0)} lines/s; writer blocked by the pipe for ${(stalledMs / 1000).toFixed(1)} s)`,
    );
    console.log(
      `RSS: start ${rss[0]?.[1].toFixed(0)} MB, peak ${peak.toFixed(0)} MB, end ${rss.at(-1)?.[1].toFixed(0)} MB`,
    );
    console.log(
      `RSS slope over the second half: ${slopePerMinute(half).toFixed(2)} MB/min (whole run: ${slopePerMinute(rss).toFixed(2)} MB/min)`,
    );
    console.log(
      `console accounting: received ${l.received} = queued ${l.queued} + merging ${l.merging} + shown ${l.shown}; shown ${l.shown} = held ${l.held} + evicted ${l.evicted}; dropped ${written - l.received}`,
    );
    const adds =
      l.received === l.queued + l.merging + l.shown &&
      l.shown === l.held + l.evicted &&
      l.received === written;
    console.log(`the counters ${adds ? 'add up to' : 'DO NOT add up to'} the ${written} lines written`);
    // The log store's account: every line shown was handed to it, and is stored, dropped (by reason) or on its way.
    const st = counts.store;
    if (st) {
      const dropped = Object.values(st.dropped).reduce((a, b) => a + b, 0);
      const reasons = Object.entries(st.dropped)
        .filter(([, n]) => n > 0)
        .map(([why, n]) => `${why} ${n}`)
        .join(', ');
      console.log(
        `store accounting: received ${st.received} = stored ${st.stored} + already stored ${st.alreadyStored} + dropped ${dropped}${reasons ? ` (${reasons})` : ''} + on the way ${st.inFlight}; ${st.received === st.stored + st.alreadyStored + dropped + st.inFlight && st.received === l.shown ? 'adds up' : 'DOES NOT add up'}`,
      );
      bench.figure('store: lines stored', st.stored, 'lines');
      bench.figure('store: lines dropped', dropped, 'lines');
    }
    console.log(
      `keypress to screen during the soak: p50 ${fmt(pct(keys, 50))}, p99 ${fmt(pct(keys, 99))} (${keys.length} presses)`,
    );
    bench.figure('keypress to screen p50', pct(keys, 50), 'ms');
    bench.figure('keypress to screen p99', pct(keys, 99), 'ms');
    bench.figure('lines written', written, 'lines');
    bench.figure('write rate', written / seconds, 'lines/s');
    bench.figure('writer blocked by the pipe', stalledMs / 1000, 's');
    bench.figure('RSS at start', rss[0]?.[1] ?? Number.NaN, 'MiB');
    bench.figure('RSS peak', peak, 'MiB');
    bench.figure('RSS at end', rss.at(-1)?.[1] ?? Number.NaN, 'MiB');
    bench.figure('RSS slope, second half', slopePerMinute(half), 'MiB/min');
    bench.figure('RSS slope, whole run', slopePerMinute(rss), 'MiB/min');
    for (const [name, value] of Object.entries(l)) bench.figure(`lines ${name}`, value, 'lines');
    bench.figure('lines dropped', written - l.received, 'lines');
    bench.figure('counters add up', adds ? 1 : 0, 'boolean');
  },
};
