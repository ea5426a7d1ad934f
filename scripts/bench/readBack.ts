// History from before the console opened: services that have logged for half an hour, some failing
// for the last twelve minutes; how long after the console's session starts every service's 5m and
// 10m ratios and rule states are right (read back from the files, counted at the lines' own times).
// The session is the console's own (sources, ingest, store) without the terminal: the time measured
// runs from before its first frame could be drawn.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigFile } from '../../src/config/load';
import { storePath } from '../../src/logstore/storeFile';
import { startConsoleSession } from '../../src/session/consoleSession';
import { startEnvironmentSources } from '../../src/sources/environmentSources';
import { bareSessionOptions } from '../../test/helpers/sessionOptions';
import { type Benchmark, benchDir } from './harness/context';
import { fmt } from './harness/measure';

const FAILING_MINUTES = 12;
const FAILING_SHARE = 0.1;

export const readBackBench: Benchmark = {
  name: 'readback',
  settings: { READBACK_SERVICES: 50, READBACK_MINUTES: 30, READBACK_RATE: 5 },
  async run(bench) {
    const services = bench.setting('READBACK_SERVICES');
    const minutes = bench.setting('READBACK_MINUTES');
    const rate = bench.setting('READBACK_RATE');
    const dir = join(benchDir, 'readback');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    let lines = 0;
    let yaml = 'environments:\n  bench:\n    services:\n';
    for (let s = 0; s < services; s++) {
      const failing = s % 2 === 0;
      let text = '';
      for (let at = now - minutes * 60_000, i = 0; at < now; at += 1000 / rate, i++) {
        const fails = failing && at >= now - FAILING_MINUTES * 60_000 && i % (1 / FAILING_SHARE) === 0;
        text += `${JSON.stringify({ time: new Date(at).toISOString(), level: fails ? 'error' : 'info', msg: 'GET /orders', status: fails ? 503 : 200, request_id: `s${s}-${i}` })}\n`;
        lines++;
      }
      const file = join(dir, `svc-${s}.log`);
      writeFileSync(file, text);
      yaml += `      svc-${s}:\n        logs: [{ file: ${JSON.stringify(file)} }]\n`;
    }
    writeFileSync(join(dir, 'config.yaml'), yaml);
    const env = loadConfigFile(join(dir, 'config.yaml')).config.environments.bench;
    if (!env) throw new Error('the bench config has no environment');
    console.log(
      `\n## read back: ${services} services that logged ${minutes} min at ${rate} lines/s (${lines} lines), half failing ${FAILING_SHARE * 100}% for the last ${FAILING_MINUTES} min\n`,
    );
    const stateDir = join(dir, 'state');
    const t0 = performance.now();
    const session = startConsoleSession(
      bareSessionOptions('bench', stateDir, {
        logStore: { path: storePath(stateDir, 'bench'), budgetBytes: 1024 ** 3 },
        startSources: async (sink) => startEnvironmentSources(env, sink),
      }),
    );
    /** Every service's 5m and 10m ratios within half a point of the truth, and its rules as they should be. */
    const right = () => {
      const signals = session.store.getState().signals;
      for (let s = 0; s < services; s++) {
        const v = signals[`svc-${s}`];
        const want = s % 2 === 0 ? FAILING_SHARE : 0;
        if (!v || Math.abs((v.ratio5m ?? -1) - want) > 0.005 || Math.abs((v.ratio10m ?? -1) - want) > 0.005)
          return false;
        const critical = v.rules.find((r) => r.id === 'error-ratio-critical')?.state;
        const sustained = v.rules.find((r) => r.id === 'error-ratio-sustained')?.state;
        if (s % 2 === 0 ? critical !== 'firing' || sustained !== 'firing' : critical !== 'ok') return false;
      }
      return true;
    };
    let ms: number | undefined;
    try {
      while (performance.now() - t0 < 60_000) {
        if (right()) {
          ms = performance.now() - t0;
          break;
        }
        await sleep(20);
      }
    } finally {
      await session.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    if (ms === undefined) throw new Error('the ratios and rules were not right within 60 s');
    console.log(`ratios and rules right after  ${fmt(ms)} (goal: within 3 s of the first frame)`);
    bench.figure('read back: ratios and rules right after', ms, 'ms');
    bench.figure('read back: lines', lines, 'lines');
  },
};
