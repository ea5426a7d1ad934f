// Part of the fleet benchmark: 20 SSH hosts (real sshd on loopback), each forwarding the same Docker
// engine's socket: time until every container of every host is listed, CPU and RSS at rest,
// keypress-to-screen.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestSshd } from '../../test/helpers/sshd';
import type { BenchRecorder } from './harness/context';
import { corePercent, fmt, mb, mib, pct, procStat } from './harness/measure';
import { keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

export const SSH_HOSTS = 20;
/** Containers on the engine when the SSH hosts are watched: each host lists them all. */
export const PER_HOST = 15;

/** The SSH hosts' part of the fleet benchmark, on an engine already running PER_HOST containers. */
export async function sshHostsBench(bench: BenchRecorder, dockerSocket: string): Promise<void> {
  console.log(
    `${SSH_HOSTS} SSH hosts (sshd on loopback), each forwarding a Docker socket with ${PER_HOST} containers`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-ssh-'));
  const sshds = Array.from({ length: SSH_HOSTS }, () => new TestSshd());
  try {
    for (const sshd of sshds) {
      await sshd.init();
      // The console opens a channel per container's logs over each host's one connection.
      appendFileSync(join(sshd.dir, 'sshd_config'), 'MaxSessions 100\nMaxStartups 100\n');
      await sshd.start();
    }
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${sshds.map((s) => s.knownHostsLine()).join('\n')}\n`);
    const hosts = sshds.map(
      (s, i) =>
        `      h${i + 1}: { ssh: root@127.0.0.1:${s.port}, identityFile: ${JSON.stringify(s.userKey)}, agent: false, knownHostsFile: ${JSON.stringify(knownHosts)}, docker: true, dockerSocket: ${JSON.stringify(dockerSocket)} }`,
    );
    const config = join(dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      ['environments:', '  fleet:', '    hosts:', ...hosts, '    services: {}', ''].join('\n'),
    );
    const started = performance.now();
    const c = startConsole(['--config', config], { env: { OPSCONSOLE_STATE_DIR: join(dir, 'state') } });
    try {
      const total = SSH_HOSTS * PER_HOST;
      await timeUntilScreen(c, new RegExp(`Containers[^\\n]*\\b${total}\\b`), 120_000);
      const listed = performance.now() - started;
      console.log(`every container of the ${SSH_HOSTS} hosts listed: ${fmt(listed)}`);
      bench.figure('SSH hosts: every container listed', listed, 'ms');
      await sleep(5000);
      const a = procStat(c.pid);
      await sleep(15_000);
      const b = procStat(c.pid);
      console.log(`console at rest: ${corePercent(a, b, 15).toFixed(1)}% of a core, RSS ${mb(b.rss)}`);
      bench.figure('SSH hosts: console CPU at rest', corePercent(a, b, 15), '% of a core');
      bench.figure('SSH hosts: console RSS at rest', mib(b.rss), 'MiB');
      const lat = await keyLatencies(c, 20);
      console.log(
        `keypress-to-screen with ${SSH_HOSTS} SSH hosts: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
      );
      bench.figure('SSH hosts: keypress-to-screen p50', pct(lat, 50), 'ms');
      bench.figure('SSH hosts: keypress-to-screen p99', pct(lat, 99), 'ms');
    } finally {
      await quit(c);
    }
  } finally {
    for (const sshd of sshds) {
      await sshd.kill();
      rmSync(sshd.dir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
