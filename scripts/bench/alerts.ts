// Alerts: a real Alertmanager holding many alerts in 200 groups. `opsconsole alerts` beside amtool
// and curl | jq; the console on it at 80x24: RSS, the cost of each refresh, keypress-to-screen.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestAlertmanager } from '../../test/helpers/alertmanager';
import { type Benchmark, type BenchRecorder, bin } from './harness/context';
import {
  type CommandTime,
  type ConsoleDiagnostics,
  diagnostics,
  fmt,
  mb,
  mib,
  pct,
  procStat,
  timeCommand,
} from './harness/measure';
import { keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

const GROUPS = 200;
const SEVERITIES = ['critical', 'warning', 'info'];

function alertsInGroups(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const g = i % GROUPS;
    return {
      labels: {
        alertname: `Rule${g}`,
        service: `svc${g}`,
        severity: SEVERITIES[g % 3] as string,
        instance: `host-${i}:9100`,
      },
      annotations: { summary: `rule ${g} fired on host-${i}`, runbook_url: 'https://runbooks.example/x' },
    };
  });
}

export const alertsBench: Benchmark = {
  name: 'alerts',
  settings: { BENCH_ALERTS: 5000 },
  async run(bench) {
    const count = bench.setting('BENCH_ALERTS');
    console.log(`\n## alerts: ${count} alerts in ${GROUPS} groups on a real Alertmanager\n`);
    const am = new TestAlertmanager();
    try {
      await am.start();
      const url = am.url;
      const alerts = alertsInGroups(count);
      for (let i = 0; i < alerts.length; i += 500) await am.post(alerts.slice(i, i + 500));
      const tools: [string, string, string[]][] = [
        ['opsconsole alerts', bin, ['alerts', '--alertmanager', url]],
        ['opsconsole alerts --json', bin, ['alerts', '--json', '--alertmanager', url]],
        ['amtool alert query', 'amtool', ['alert', 'query', `--alertmanager.url=${url}`]],
        ['curl | jq', 'bash', ['-c', `curl -s ${url}/api/v2/alerts | jq -c '.[]'`]],
      ];
      const results: Record<string, CommandTime> = {};
      for (const [name, cmd, args] of tools) {
        const r = timeCommand(cmd, args, 3);
        results[name] = r;
        if ('error' in r) {
          console.log(`${name.padEnd(26)} failed: ${r.error}`);
          continue;
        }
        console.log(`${name.padEnd(26)} ${fmt(r.ms).padStart(9)}  ${r.lines} lines`);
        bench.figure(`${name}: time`, r.ms, 'ms');
        bench.figure(`${name}: lines`, r.lines, 'lines');
      }
      const ours = results['opsconsole alerts'];
      for (const other of ['amtool alert query', 'curl | jq']) {
        const o = results[other];
        if (!o || !ours || 'error' in o || 'error' in ours) continue;
        console.log(`time opsconsole alerts / ${other}: ${(ours.ms / o.ms).toFixed(2)}x`);
        bench.figure(`time opsconsole alerts / ${other}`, ours.ms / o.ms, 'ratio');
      }
      await consoleOnAlerts(bench, am.dir, url, count);
    } finally {
      await am.stop();
      rmSync(am.dir, { recursive: true, force: true });
    }
  },
};

/** The console watching the Alertmanager, in its alerts view. */
async function consoleOnAlerts(bench: BenchRecorder, dir: string, url: string, count: number): Promise<void> {
  const config = join(dir, 'opsconsole.yaml');
  writeFileSync(config, `environments:\n  bench:\n    alertmanager: { url: "${url}" }\n    services: {}\n`);
  const diagnosticsFile = join(dir, 'diagnostics.jsonl');
  const c = startConsole(['--config', config], {
    env: { OPSCONSOLE_STATE_DIR: join(dir, 'state'), OPSCONSOLE_DIAGNOSTICS_FILE: diagnosticsFile },
  });
  try {
    const counted = await timeUntilScreen(c, new RegExp(`am ${count}`));
    console.log(`console: ${count} alerts counted in the header after ${fmt(counted)}`);
    bench.figure('console: alerts counted in the header', counted, 'ms');
    c.press('A');
    await timeUntilScreen(c, new RegExp(`Alerts \\(${GROUPS} groups\\)`));
    // Each poll fetches and regroups every alert: its cost is the CPU over several polls (one per 5 s).
    await sleep(3000);
    const a = procStat(c.pid);
    await sleep(30_000);
    const b = procStat(c.pid);
    const cpuPerPoll = ((b.ticks - a.ticks) / 100 / 6) * 1000;
    const loop = diagnostics<ConsoleDiagnostics>(diagnosticsFile).slice(-30);
    const loopMax = Math.max(...loop.map((l) => l.loopMaxMs));
    const loopP99 = Math.max(...loop.map((l) => l.loopP99Ms));
    console.log(
      `refresh (one poll of ${count} alerts, every 5 s): ${cpuPerPoll.toFixed(0)} ms of CPU; event-loop delay max ${loopMax.toFixed(0)} ms, p99 ${loopP99.toFixed(0)} ms`,
    );
    console.log(`memory (RSS) with ${count} alerts: ${mb(b.rss)}`);
    bench.figure('refresh: CPU per poll', cpuPerPoll, 'ms');
    bench.figure('refresh: event-loop delay max', loopMax, 'ms');
    bench.figure('refresh: event-loop delay p99', loopP99, 'ms');
    bench.figure('memory (RSS)', mib(b.rss), 'MiB');
    const lat = await keyLatencies(c, 20);
    console.log(
      `keypress-to-screen in the alerts view ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
    );
    bench.figure("keypress-to-screen '?' p50", pct(lat, 50), 'ms');
    bench.figure("keypress-to-screen '?' p99", pct(lat, 99), 'ms');
    const filter = await keyLatencies(
      c,
      20,
      '/',
      /Filter alerts|alerts: name, label=value/,
      /^(?![\s\S]*alerts: name, label=value)/,
    );
    console.log(
      `keypress-to-screen ('/' opens the alerts filter): p50 ${fmt(pct(filter, 50))}, p99 ${fmt(pct(filter, 99))}`,
    );
    bench.figure("keypress-to-screen '/' p50", pct(filter, 50), 'ms');
    bench.figure("keypress-to-screen '/' p99", pct(filter, 99), 'ms');
  } finally {
    await quit(c);
  }
}
