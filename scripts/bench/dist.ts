// The single executable (npm run dist) beside bin/opsconsole: size, --version, the demo's first frame.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Benchmark, benchDir, bin, root } from './harness/context';
import { fmt, mb, mib, pct } from './harness/measure';
import { quit, startConsole, timeUntilScreen } from './harness/terminal';

/** The median wall time of 11 runs of `file --version`. */
function versionMs(file: string): number {
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    execFileSync(file, ['--version']);
    times.push(performance.now() - t0);
  }
  return pct(times, 50);
}

/** The median of three launches of the demo, until its first frame. */
async function demoFirstFrameMs(file: string): Promise<number> {
  const firsts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const stateDir = join(benchDir, `dist-state-${Date.now()}`);
    const t0 = performance.now();
    const c = startConsole(['demo', '--deploy-after', 'never'], {
      file,
      env: { OPSCONSOLE_STATE_DIR: stateDir },
    });
    try {
      await timeUntilScreen(c, /opsconsole · demo/);
      firsts.push(performance.now() - t0);
    } finally {
      await quit(c);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  return pct(firsts, 50);
}

export const distBench: Benchmark = {
  name: 'dist',
  settings: {},
  async run(bench) {
    console.log('\n## the single executable (npm run dist) beside bin/opsconsole\n');
    const exe = join(root, 'dist', 'opsconsole-linux-x64');
    if (!existsSync(exe)) execFileSync('npm', ['run', 'dist'], { cwd: root, stdio: 'ignore' });
    const deb = readdirSync(join(root, 'dist')).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`npm run dist left no .deb in ${join(root, 'dist')}`);
    const exeSize = statSync(exe).size;
    const debSize = statSync(join(root, 'dist', deb)).size;
    console.log(`size: ${mb(exeSize)} (the .deb ${mb(debSize)}); Node itself is most of it`);
    bench.figure('single executable size', mib(exeSize), 'MiB');
    bench.figure('.deb size', mib(debSize), 'MiB');
    const sea = versionMs(exe);
    const launcher = versionMs(bin);
    console.log(
      `--version (median of 11): single file ${fmt(sea)}, bin/opsconsole ${fmt(launcher)} (${(sea / launcher).toFixed(2)}x)`,
    );
    bench.figure('--version: single file', sea, 'ms');
    bench.figure('--version: bin/opsconsole', launcher, 'ms');
    bench.figure('--version: single file / bin/opsconsole', sea / launcher, 'ratio');
    for (const [name, file] of [
      ['single file', exe],
      ['bin/opsconsole', bin],
    ] as const) {
      const first = await demoFirstFrameMs(file);
      console.log(`demo first frame (median of 3): ${name} ${fmt(first)}`);
      bench.figure(`demo first frame: ${name}`, first, 'ms');
    }
  },
};
