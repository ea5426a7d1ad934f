// A fleet on a real Docker engine (started here, as the tests start it): first 20 SSH hosts each
// forwarding its socket, then BENCH_FLEET_CONTAINERS containers watched with no configuration: time
// until every one is listed (beside `docker ps`), console CPU and RSS at rest, dockerd's CPU with and
// without the console, keypress-to-screen.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_IMAGE, TestDockerd } from '../../test/helpers/dockerd';
import type { Benchmark } from './harness/context';
import { corePercent, fmt, mb, mib, pct, procStat, ticksOf, timeCommand } from './harness/measure';
import { keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';
import { PER_HOST, sshHostsBench } from './sshHosts';

export const fleetBench: Benchmark = {
  name: 'fleet',
  settings: { BENCH_FLEET_CONTAINERS: 300 },
  async run(bench) {
    const fleet = bench.setting('BENCH_FLEET_CONTAINERS');
    if (fleet < PER_HOST + 7)
      throw new Error(`BENCH_FLEET_CONTAINERS=${fleet}: the fleet needs at least ${PER_HOST + 7}`);
    console.log(`\n## fleet: ${fleet} containers on a real Docker engine, watched with no configuration\n`);
    const dockerd = new TestDockerd();
    try {
      await dockerd.start();
      dockerd.buildImage();
      const unhealthy = `scale${fleet - 7}`;
      const run = (i: number) =>
        dockerd.docker(
          'run',
          '-d',
          '--name',
          `scale${i}`,
          '--network',
          'none',
          ...(i === fleet - 7 ? ['--health-cmd', 'false', '--health-interval', '1s'] : []),
          TEST_IMAGE,
          'sleep',
          '3600',
        );
      // First the SSH hosts over the same engine, PER_HOST containers each (20 x 15 = 300 rows).
      for (let i = 1; i <= PER_HOST; i++) run(i);
      await sshHostsBench(bench, dockerd.socket);
      const t0 = performance.now();
      for (let i = PER_HOST + 1; i <= fleet; i++) run(i);
      console.log(
        `\nstarted ${fleet} containers in ${fmt(performance.now() - t0)} (the first ${PER_HOST} before)`,
      );
      const ps = timeCommand(
        'docker',
        ['-H', `unix://${dockerd.socket}`, 'ps', '-a', '--format', '{{.Names}}'],
        3,
      );
      if ('error' in ps) throw new Error(`docker ps failed: ${ps.error}`);
      console.log(`docker ps -a: ${fmt(ps.ms)} for ${ps.lines} containers`);
      bench.figure('docker ps -a: time', ps.ms, 'ms');
      const idle0 = ticksOf(dockerd.dir);
      await sleep(10_000);
      const dockerdIdle = (ticksOf(dockerd.dir) - idle0) / 100 / 10;
      const started = performance.now();
      const c = startConsole([], {
        env: {
          DOCKER_HOST: `unix://${dockerd.socket}`,
          OPSCONSOLE_STATE_DIR: join(dockerd.dir, 'state'),
          XDG_CONFIG_HOME: join(dockerd.dir, 'cfg'),
        },
      });
      try {
        await timeUntilScreen(c, new RegExp(`Containers[^\\n]*\\b${fleet}\\b`), 120_000);
        const listed = performance.now() - started;
        console.log(
          `every container listed in the console: ${fmt(listed)} (docker ps: ${fmt(ps.ms)}; ratio ${(listed / ps.ms).toFixed(1)}x)`,
        );
        bench.figure('every container listed in the console', listed, 'ms');
        bench.figure('listed in the console / docker ps', listed / ps.ms, 'ratio');
        await c.waitFor(new RegExp(`${unhealthy}\\s+running\\s+unhlth`), 60_000);
        const row = c.screen().findIndex((l) => l.startsWith(`${unhealthy} `));
        console.log(`the unhealthy container is on screen row ${row} of 24 at 80x24`);
        bench.figure('screen row of the unhealthy container', row, 'row');
        await sleep(5000);
        const a = procStat(c.pid);
        const d0 = ticksOf(dockerd.dir);
        await sleep(20_000);
        const b = procStat(c.pid);
        const dockerdWatched = (ticksOf(dockerd.dir) - d0) / 100 / 20;
        console.log(`console at rest: ${corePercent(a, b, 20).toFixed(1)}% of a core, RSS ${mb(b.rss)}`);
        console.log(
          `dockerd: ${(dockerdIdle * 100).toFixed(1)}% of a core alone, ${(dockerdWatched * 100).toFixed(1)}% with the console attached`,
        );
        bench.figure('console CPU at rest', corePercent(a, b, 20), '% of a core');
        bench.figure('console RSS at rest', mib(b.rss), 'MiB');
        bench.figure('dockerd CPU alone', dockerdIdle * 100, '% of a core');
        bench.figure('dockerd CPU with the console', dockerdWatched * 100, '% of a core');
        const lat = await keyLatencies(c, 20);
        console.log(
          `keypress-to-screen with ${fleet} containers: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
        );
        bench.figure('keypress-to-screen p50', pct(lat, 50), 'ms');
        bench.figure('keypress-to-screen p99', pct(lat, 99), 'ms');
      } finally {
        await quit(c);
      }
    } finally {
      await removeEngine(dockerd);
    }
  },
};

/** Stops the engine with its containers, lifts the mounts it leaves behind, and deletes its files. */
async function removeEngine(dockerd: TestDockerd): Promise<void> {
  // Removed first: the engine's own stop gives up after 5 s, which would leave the containers running.
  try {
    const ids = dockerd.docker('ps', '-aq').split('\n').filter(Boolean);
    if (ids.length > 0) dockerd.docker('rm', '-f', ...ids);
  } catch {
    // the engine never started
  }
  await dockerd.stop();
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(dockerd.dir))
    .sort()
    .reverse();
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dockerd.dir, { recursive: true, force: true });
}
