// `npm run bench`: measures opsconsole beside the tools an operator would otherwise use, in the same
// run, on this machine, and prints ratios. Nothing here is asserted; the figures go in notes.
//
//   1. request-id search over a generated 1M-line JSON log (+ the loghub samples): opsconsole logs
//      vs grep -F, jq and lnav;
//   2. the console: time to first frame, idle CPU and bytes written, memory;
//   3. a log flood into the running console: peak RSS, event-loop delay p99, keypress-to-screen
//      latency p50/p99, bytes written per second;
//   4. a soak: BENCH_SOAK_RATE lines/s written by this script into a pipe the console reads, for
//      BENCH_SOAK_SECONDS; the RSS slope over the run, and the console's own accounting of every
//      line (received, merging, shown, held, evicted) against the lines written;
//   5. redaction of 1 MiB adversarial lines (goal: under 50 ms each);
//   6. a fleet: a real Docker engine (started here, like the tests'). First 20 SSH hosts (sshd on
//      loopback ports, each forwarding the engine's socket, 15 containers each); then
//      BENCH_FLEET_CONTAINERS containers watched with no configuration: time until every one is
//      listed (beside `docker ps`), console CPU and RSS at rest, dockerd's CPU with and without the
//      console, keypress-to-screen p99.
//   8. log templates: grouping accuracy on loghub's three samples beside a naive digit-masking
//      grouping; parse + mine throughput on one core over the corpus; `opsconsole logs --patterns`
//      beside the naive shell pipeline (sed | sort | uniq -c);
//   9. Kubernetes: BENCH_K8S_PODS pods (2,000, then 50,000) in 50 namespaces on the tests' FAKE API
//      server (no real one can run here), watched with no configuration: time to the first screen
//      listing pods, RSS and CPU at rest, beside `kubectl get pods -A` on the same server;
//   7. alerts: a real Alertmanager holding BENCH_ALERTS alerts in 200 groups. `opsconsole alerts`
//      beside amtool and curl | jq; the console on it at 80x24: RSS, the cost of each refresh (CPU
//      per poll, event-loop delay), keypress-to-screen p99 in the alerts view.
//  10. serve: `opsconsole serve` with the OpenSSH client in pseudo-terminals: the commander's
//      keypress-to-screen p99 with the others reading and with one stopped (SIGSTOP), as a ratio;
//      20 viewers at 80x24: server CPU, RSS and bytes per viewer per second.
//  11. dist: the single executable beside bin/opsconsole: size, --version, the demo's first frame.
//
// BENCH_LINES (default 1000000), BENCH_IDLE_SECONDS (30), BENCH_FLOOD_SECONDS (30), BENCH_FLOOD_RATE
// (50000), BENCH_SOAK_SECONDS (60; 600 for the ten-minute soak), BENCH_SOAK_RATE (100000),
// BENCH_FLEET_CONTAINERS (300), BENCH_ALERTS (5000), BENCH_ONLY (comma-separated: search, console,
// flood, soak, redact, fleet, alerts, patterns, kubernetes, serve, dist), BENCH_K8S_PODS (2000,50000).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'opsconsole');
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const IDLE_S = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const FLOOD_S = Number(process.env.BENCH_FLOOD_SECONDS ?? 30);
const FLOOD_RATE = Number(process.env.BENCH_FLOOD_RATE ?? 50_000);
const SOAK_S = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const SOAK_RATE = Number(process.env.BENCH_SOAK_RATE ?? 100_000);
const ONLY = process.env.BENCH_ONLY?.split(',');
const FLEET = Number(process.env.BENCH_FLEET_CONTAINERS ?? 300);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 5000);

const fmt = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

function corpus() {
  const file = join(dir, `corpus-${LINES}.jsonl`);
  if (existsSync(file)) return file;
  process.stdout.write(`generating ${LINES} lines… `);
  const out = createWriteStream(file);
  let buf = '';
  const services = ['gateway', 'api', 'worker', 'billing'];
  for (let i = 0; i < LINES; i++) {
    const rid = `req-${(i * 7919) % 3000}`.padEnd(8, '0');
    const status = i % 37 === 0 ? 503 : 200;
    buf += `${JSON.stringify({ time: new Date(1763700000000 + i * 3).toISOString(), level: status >= 500 ? 'error' : 'info', service: services[i % 4], msg: status >= 500 ? 'upstream failed' : 'request completed', request_id: rid, status, duration_ms: i % 250 })}\n`;
    if (buf.length > 1 << 20) {
      out.write(buf);
      buf = '';
    }
  }
  out.end(buf);
  return new Promise((resolve) =>
    out.on('finish', () => {
      // The loghub samples ride along, so the search also meets real-world plain text.
      for (const f of ['Apache_2k.log', 'Linux_2k.log', 'Zookeeper_2k.log']) {
        const p = join(root, '..', 'shared', 'fixtures', 'loghub', f);
        if (existsSync(p)) writeFileSync(file, readFileSync(p), { flag: 'a' });
      }
      console.log('done');
      resolve(file);
    }),
  );
}

function timeCommand(cmd, args, runs = 3) {
  const times = [];
  let lines = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) return { error: (r.stderr || String(r.error)).slice(0, 200) };
    lines = r.stdout.split('\n').filter(Boolean).length;
  }
  return { ms: pct(times, 50), lines };
}

async function searchBench() {
  const file = await corpus();
  const size = statSync(file).size;
  const id = 'req-1234';
  console.log(`\n## request_id search: ${LINES} JSON lines + loghub samples, ${mb(size)}, id ${id}\n`);
  const tools = [
    ['opsconsole logs', bin, ['logs', '--file', file, '--request-id', id]],
    ['grep -F', 'grep', ['-F', id, file]],
    // -R with fromjson? lets jq skip the plain-text loghub lines instead of stopping at them.
    ['jq', 'jq', ['-cR', `fromjson? | select(.request_id? == "${id}")`, file]],
    ['lnav', 'lnav', ['-n', '-c', `:filter-in ${id}`, file]],
  ];
  const results = {};
  for (const [name, cmd, args] of tools) {
    const r = timeCommand(cmd, args, name === 'lnav' || name === 'jq' ? 1 : 3);
    results[name] = r;
    console.log(
      r.error
        ? `${name.padEnd(16)} failed: ${r.error}`
        : `${name.padEnd(16)} ${fmt(r.ms).padStart(9)}  ${(size / 1024 / 1024 / (r.ms / 1000)).toFixed(0).padStart(5)} MB/s  ${r.lines} lines`,
    );
  }
  const ours = results['opsconsole logs'];
  for (const other of ['grep -F', 'jq', 'lnav']) {
    const o = results[other];
    if (o?.ms && ours?.ms) console.log(`throughput opsconsole / ${other}: ${(o.ms / ours.ms).toFixed(2)}x`);
  }
  console.log('(grep and lnav match the text anywhere; opsconsole and jq match the request_id field.)');
}

function startConsole(args, { cols = 80, rows = 24, env = {}, file = bin } = {}) {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  let bytes = 0;
  const p = pty.spawn(file, args, { cols, rows, name: 'xterm-256color', env: { ...process.env, ...env } });
  p.onData((d) => {
    bytes += Buffer.byteLength(d);
    term.write(d);
  });
  const screen = () => {
    const b = term.buffer.active;
    const out = [];
    for (let y = 0; y < rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out.join('\n');
  };
  const waitFor = async (re, timeoutMs = 30_000) => {
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
      if (re.test(screen())) return performance.now() - t0;
      await sleep(5);
    }
    throw new Error(`screen never showed ${re}; screen:\n${screen()}`);
  };
  return { p, term, screen, waitFor, bytes: () => bytes };
}

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  return { ticks: Number(f[11]) + Number(f[12]), rss };
}

async function keyLatencies(c, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    c.p.write('?');
    await c.waitFor(/\(\? or Esc closes\)/, 5000);
    out.push(performance.now() - t0);
    c.p.write('\u001b');
    await c.waitFor(/^(?![\s\S]*\(\? or Esc closes)/, 5000);
    await sleep(50);
  }
  return out;
}

async function consoleBench() {
  console.log(`\n## console (demo fleet, 80x24)\n`);
  const stateDir = join(dir, `state-${Date.now()}`);
  const t0 = performance.now();
  const c = startConsole(['demo', '--deploy-after', 'never'], { env: { OPSCONSOLE_STATE_DIR: stateDir } });
  await c.waitFor(/opsconsole · demo/);
  const firstFrame = performance.now() - t0;
  await c.waitFor(/worker\s+running/);
  const withData = performance.now() - t0;
  console.log(`time to first frame: ${fmt(firstFrame)} (to the fleet's status: ${fmt(withData)})`);
  await sleep(3000);
  const a = procStat(c.p.pid);
  const b0 = c.bytes();
  await sleep(IDLE_S * 1000);
  const b = procStat(c.p.pid);
  // The demo is never idle (20 requests/s of traffic): this is the console's cost while it runs.
  console.log(
    `CPU while the demo runs (${IDLE_S}s): ${(((b.ticks - a.ticks) / 100 / IDLE_S) * 100).toFixed(1)}% of a core`,
  );
  console.log(`bytes to the terminal: ${((c.bytes() - b0) / IDLE_S / 1024).toFixed(1)} KiB/s`);
  console.log(`memory (RSS) after ${IDLE_S + 3 + Math.round(withData / 1000)}s: ${mb(b.rss)}`);
  const lat = await keyLatencies(c, 20);
  console.log(`keypress-to-screen ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`);
  c.p.write('q');
  await sleep(1500);
  rmSync(stateDir, { recursive: true, force: true });
}

async function floodBench() {
  console.log(`\n## log flood: ${FLOOD_RATE} lines/s into the running console for ${FLOOD_S}s\n`);
  const stateDir = join(dir, `state-flood-${Date.now()}`);
  const diag = join(dir, `diag-${Date.now()}.jsonl`);
  const c = startConsole(['demo', '--deploy-after', 'never', '--log-flood', String(FLOOD_RATE)], {
    env: { OPSCONSOLE_STATE_DIR: stateDir, OPSCONSOLE_DIAGNOSTICS_FILE: diag },
  });
  await c.waitFor(/worker\s+running/);
  await sleep(2000);
  const b0 = c.bytes();
  const t0 = performance.now();
  const cpu0 = procStat(c.p.pid).ticks;
  let peak = 0;
  const lat = [];
  while (performance.now() - t0 < FLOOD_S * 1000) {
    peak = Math.max(peak, procStat(c.p.pid).rss);
    lat.push(...(await keyLatencies(c, 1)));
    await sleep(250);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (procStat(c.p.pid).ticks - cpu0) / 100 / seconds;
  const bytesPerS = (c.bytes() - b0) / seconds;
  c.p.write('q');
  await sleep(1500);
  const d = readFileSync(diag, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const during = d.slice(3);
  console.log(
    `console CPU during the flood (the demo's generator included): ${(cpu * 100).toFixed(1)}% of a core`,
  );
  console.log(`peak RSS: ${mb(Math.max(peak, ...during.map((x) => x.rss)))} (goal < 250 MB)`);
  console.log(
    `event-loop delay p99 (worst 1 s window): ${Math.max(...during.map((x) => x.loopP99Ms)).toFixed(1)} ms; median of windows: ${pct(
      during.map((x) => x.loopP99Ms),
      50,
    ).toFixed(1)} ms`,
  );
  console.log(
    `keypress-to-screen during the flood: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))} (goal p99 < 200 ms), ${lat.length} presses`,
  );
  console.log(`bytes to the terminal during the flood: ${(bytesPerS / 1024).toFixed(1)} KiB/s`);
  rmSync(stateDir, { recursive: true, force: true });
}

/** Least-squares slope of (t seconds, y) points, per minute. */
function slopePerMinute(points) {
  const n = points.length;
  const mt = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mt) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

async function soakBench() {
  console.log(`\n## soak: ${SOAK_RATE} lines/s through a pipe into the running console for ${SOAK_S}s\n`);
  const stamp = Date.now();
  const fifo = join(dir, `soak-${stamp}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const config = join(dir, `soak-${stamp}.yaml`);
  writeFileSync(
    config,
    `environments:\n  soak:\n    services:\n      flood:\n        logs:\n          - command: [cat, ${JSON.stringify(fifo)}]\n`,
  );
  const stateDir = join(dir, `state-soak-${stamp}`);
  const diag = join(dir, `diag-soak-${stamp}.jsonl`);
  const c = startConsole(['--config', config], {
    env: { OPSCONSOLE_STATE_DIR: stateDir, OPSCONSOLE_DIAGNOSTICS_FILE: diag },
  });
  await c.waitFor(/opsconsole · soak/);
  // Opening a FIFO for writing waits for its reader (the console's `cat`).
  const out = createWriteStream(fifo);
  await new Promise((resolve) => out.once('open', resolve));
  const perTick = Math.round(SOAK_RATE / 100);
  let written = 0;
  let stalledMs = 0;
  const rss = [];
  const t0 = performance.now();
  let nextSample = 0;
  while (performance.now() - t0 < SOAK_S * 1000) {
    const tickStart = performance.now();
    let chunk = '';
    for (let i = 0; i < perTick; i++, written++) {
      chunk += `{"time":"${new Date().toISOString()}","level":"${written % 50 === 0 ? 'error' : 'info'}","msg":"soak line","n":${written},"request_id":"req-${(written % 5000).toString(16)}","status":${written % 50 === 0 ? 500 : 200}}\n`;
    }
    if (!out.write(chunk)) {
      const s = performance.now();
      await new Promise((resolve) => out.once('drain', resolve));
      stalledMs += performance.now() - s;
    }
    const elapsed = performance.now() - t0;
    if (elapsed >= nextSample) {
      rss.push([elapsed / 1000, procStat(c.p.pid).rss / 1024 / 1024]);
      nextSample += 1000;
    }
    const wait = 10 - (performance.now() - tickStart);
    if (wait > 0) await sleep(wait);
  }
  const seconds = (performance.now() - t0) / 1000;
  // Everything written has entered the pipe once the stream is drained; the pipe stays open (closing
  // it would end `cat`, and the console would mark the restart with a line of its own).
  while (out.writableLength > 0) await new Promise((resolve) => out.once('drain', resolve));
  // Let the console take in the last lines (its reorder window, its next flush and diagnostics tick).
  const lastCounts = () =>
    readFileSync(diag, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .at(-1);
  const settleStart = performance.now();
  let counts = lastCounts();
  while (performance.now() - settleStart < 15_000) {
    counts = lastCounts();
    if (counts?.lines.received === written && counts.lines.queued === 0 && counts.lines.merging === 0) break;
    await sleep(500);
  }
  c.p.write('q');
  await sleep(1500);
  out.destroy();
  const half = rss.filter(([t]) => t >= seconds / 2);
  const l = counts.lines;
  console.log(
    `written: ${written} lines in ${seconds.toFixed(0)} s (${(written / seconds).toFixed(0)} lines/s; writer blocked by the pipe for ${(stalledMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `RSS: start ${rss[0]?.[1].toFixed(0)} MB, peak ${Math.max(...rss.map((r) => r[1])).toFixed(0)} MB, end ${rss.at(-1)?.[1].toFixed(0)} MB`,
  );
  console.log(
    `RSS slope over the second half: ${slopePerMinute(half).toFixed(2)} MB/min (whole run: ${slopePerMinute(rss).toFixed(2)} MB/min)`,
  );
  console.log(
    `console accounting: received ${l.received} = queued ${l.queued} + merging ${l.merging} + shown ${l.shown}; shown ${l.shown} = held ${l.held} + evicted ${l.evicted}; dropped ${written - l.received}`,
  );
  const adds =
    l.received === l.queued + l.merging + l.shown && l.shown === l.held + l.evicted && l.received === written;
  console.log(`the counters ${adds ? 'add up to' : 'DO NOT add up to'} the ${written} lines written`);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(fifo, { force: true });
}

async function redactBench() {
  console.log('\n## redaction of 1 MiB adversarial lines\n');
  const { createRedactor } = await import(join(root, 'dist', 'bench', 'redact.js'));
  const redact = createRedactor();
  const MiB = 1024 * 1024;
  const cases = {
    'one long token': 'a'.repeat(MiB),
    "url-ish: '://' and 'b:'": `${'a'.repeat(MiB / 2)}://${'b:'.repeat(MiB / 4)}`,
    "'password=' repeated": 'password='.repeat(MiB / 9),
    "'ghp_' repeated": 'ghp_'.repeat(MiB / 4),
    'base64 without end': 'A1b2C3d4/'.repeat(MiB / 9),
    'credential words': 'DB_PASSWORD_TOKEN_SECRET-'.repeat(MiB / 25),
    'real secrets, densely':
      'password=hunter2 AKIAIOSFODNN7EXAMPLE ghp_0123456789abcdefghijABCDEFGHIJ012345 '.repeat(MiB / 84),
  };
  for (const [name, line] of Object.entries(cases)) {
    redact(line); // warm up
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      redact(line);
      times.push(performance.now() - t);
    }
    console.log(
      `${name.padEnd(28)} median ${pct(times, 50).toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms (goal < 50 ms)`,
    );
  }
}

/** CPU ticks of every process whose command line contains `pattern` (dockerd, its containerd). */
function ticksOf(pattern) {
  let total = 0;
  for (const pid of spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean))
    try {
      total += procStat(Number(pid)).ticks;
    } catch {
      // gone
    }
  return total;
}

const SSH_HOSTS = 20;
const PER_HOST = 15;

/** 20 sshd on loopback ports, each forwarding the same engine's socket: a fleet of SSH hosts. */
async function sshHostsBench(fleetDir, socket) {
  console.log(
    `${SSH_HOSTS} SSH hosts (sshd on loopback), each forwarding a Docker socket with ${PER_HOST} containers`,
  );
  const sshDir = join(fleetDir, 'ssh');
  mkdirSync('/run/sshd', { recursive: true });
  mkdirSync(sshDir, { recursive: true });
  const hostKey = join(sshDir, 'host_ed25519');
  const userKey = join(sshDir, 'user_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey]);
  writeFileSync(join(sshDir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  const [type, key] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const sshds = [];
  const hosts = [];
  const known = [];
  for (let i = 0; i < SSH_HOSTS; i++) {
    const port = 42200 + i;
    const cfg = join(sshDir, `sshd_${i}`);
    writeFileSync(
      cfg,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(sshDir, `pid_${i}`)}`,
        `AuthorizedKeysFile ${join(sshDir, 'authorized_keys')}`,
        'StrictModes no',
        'PasswordAuthentication no',
        'UsePAM no',
        'AllowStreamLocalForwarding yes',
        'MaxSessions 100',
        'MaxStartups 100',
        '',
      ].join('\n'),
    );
    sshds.push(spawn('/usr/sbin/sshd', ['-D', '-f', cfg], { stdio: 'ignore' }));
    known.push(`[127.0.0.1]:${port} ${type} ${key}`);
    hosts.push(
      `      h${i + 1}: { ssh: root@127.0.0.1:${port}, identityFile: ${JSON.stringify(userKey)}, agent: false, knownHostsFile: ${JSON.stringify(join(sshDir, 'known_hosts'))}, docker: true, dockerSocket: ${JSON.stringify(socket)} }`,
    );
  }
  writeFileSync(join(sshDir, 'known_hosts'), `${known.join('\n')}\n`);
  const config = join(sshDir, 'opsconsole.yaml');
  writeFileSync(
    config,
    ['environments:', '  fleet:', '    hosts:', ...hosts, '    services: {}', ''].join('\n'),
  );
  await sleep(1000);
  try {
    const started = performance.now();
    const c = startConsole(['--config', config], { env: { OPSCONSOLE_STATE_DIR: join(sshDir, 'state') } });
    const total = SSH_HOSTS * PER_HOST;
    await c.waitFor(new RegExp(`Containers[^\\n]*\\b${total}\\b`), 120_000);
    console.log(`every container of the ${SSH_HOSTS} hosts listed: ${fmt(performance.now() - started)}`);
    await sleep(5000);
    const a = procStat(c.p.pid);
    await sleep(15_000);
    const b = procStat(c.p.pid);
    console.log(
      `console at rest: ${(((b.ticks - a.ticks) / 100 / 15) * 100).toFixed(1)}% of a core, RSS ${mb(b.rss)}`,
    );
    const lat = await keyLatencies(c, 20);
    console.log(
      `keypress-to-screen with ${SSH_HOSTS} SSH hosts: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
    );
    c.p.write('q');
    await sleep(1500);
  } finally {
    for (const p of sshds) p.kill('SIGKILL');
  }
}

/** Each size of BENCH_K8S_PODS (comma-separated; 2,000 and 50,000 pods by default) in turn. */
async function kubernetesBench() {
  for (const pods of (process.env.BENCH_K8S_PODS ?? '2000,50000').split(',').map(Number))
    await kubernetesBenchOf(pods);
}

async function kubernetesBenchOf(pods) {
  console.log(`\n## Kubernetes: ${pods} pods in 50 namespaces (the tests' FAKE API server)\n`);
  const { largeCluster } = await import(join(root, 'dist', 'bench', 'kubernetesBench.js'));
  const cluster = await largeCluster(pods, 50);
  const kdir = join(dir, `k8s-${Date.now()}`);
  mkdirSync(kdir, { recursive: true });
  const kubeconfig = join(kdir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters: [{ name: fake, cluster: { server: "${cluster.url}", insecure-skip-tls-verify: true } }]\nusers: [{ name: dev, user: { token: x } }]\ncontexts: [{ name: fake, context: { cluster: fake, user: dev } }]\n`,
  );
  try {
    const kube = await new Promise((resolve) => {
      const t0 = performance.now();
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '--no-headers'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let lines = 0;
      child.stdout.on('data', (d) => {
        lines += String(d).split('\n').length - 1;
      });
      child.on('close', () => resolve({ ms: performance.now() - t0, lines }));
    });
    console.log(`kubectl get pods -A: ${fmt(kube.ms)}, ${kube.lines} lines`);
    const t0 = performance.now();
    const c = startConsole([], {
      env: {
        KUBECONFIG: kubeconfig,
        DOCKER_HOST: 'unix:///nonexistent.sock',
        OPSCONSOLE_STATE_DIR: join(kdir, 'state'),
        XDG_CONFIG_HOME: join(kdir, 'config'),
      },
    });
    // The first screen lists workloads (one row each, ready/desired), as `kubectl get pods` lists pods.
    // Goal: within 5 s, at 50,000 pods too.
    await c.waitFor(/svc-\d+ \d+\/\d+/, 180_000);
    const first = performance.now() - t0;
    console.log(
      `console: first screen listing workloads after ${fmt(first)} (kubectl: ${(first / kube.ms).toFixed(1)}x its time); the log pane follows at most 50 pods' logs (the cap) and says so`,
    );
    await sleep(5000);
    const a = procStat(c.p.pid);
    await sleep(15_000);
    const b = procStat(c.p.pid);
    console.log(
      `at rest: ${(((b.ticks - a.ticks) / 100 / 15) * 100).toFixed(1)}% of a core, RSS ${mb(b.rss)}`,
    );
    const lat = await keyLatencies(c, 10);
    console.log(`keypress-to-screen ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`);
    c.p.write('q');
    await sleep(1000);
    c.p.kill();
  } finally {
    await cluster.stop();
  }
}

/**
 * `opsconsole serve` with real OpenSSH clients in pseudo-terminals: the commander's keypress-to-screen
 * with the others reading, then with one of them stopped (SIGSTOP on its ssh) while the logs keep
 * the screens changing; then 20 viewers at 80x24: server CPU, RSS and bytes per viewer per second.
 */
async function serveBench() {
  console.log('\n## serve: a shared console over SSH (OpenSSH clients, 80x24; the one stopped 250x80)\n');
  const sdir = join(dir, `serve-${Date.now()}`);
  mkdirSync(sdir, { recursive: true });
  const key = (n) => join(sdir, n);
  for (const n of ['alice', 'viewer'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${n}@bench`, '-f', key(n)]);
  const pub = (n) => readFileSync(`${key(n)}.pub`, 'utf8').trim();
  writeFileSync(join(sdir, 'keys'), `role="commander" ${pub('alice')}\nrole="viewer" ${pub('viewer')}\n`);
  const log = join(sdir, 'api.log');
  writeFileSync(log, '');
  writeFileSync(
    join(sdir, 'config.yaml'),
    `environments:\n  bench:\n    services:\n      api:\n        logs: [{ file: ${log} }]\n`,
  );
  const server = spawn(
    bin,
    [
      'serve',
      '--config',
      join(sdir, 'config.yaml'),
      '--authorized-keys',
      join(sdir, 'keys'),
      '--listen',
      '127.0.0.1:0',
      '--max-sessions',
      '64',
    ],
    {
      env: { ...process.env, OPSCONSOLE_STATE_DIR: join(sdir, 'state') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let said = '';
  server.stderr.on('data', (d) => {
    said += d;
  });
  while (!/on 127\.0\.0\.1:(\d+)/.test(said)) await sleep(50);
  const port = /on 127\.0\.0\.1:(\d+)/.exec(said)[1];
  // The screens keep changing: 50 request lines a second into the service's log.
  let n = 0;
  const traffic = setInterval(() => {
    let lines = '';
    for (let i = 0; i < 5; i++, n++)
      lines += `${JSON.stringify({ level: n % 11 ? 'info' : 'error', msg: `GET /orders/${n} padding ${'x'.repeat(60)}`, status: n % 11 ? 200 : 503, request_id: `r${n}` })}\n`;
    appendFileSync(log, lines);
  }, 100);
  const client = (name, cols = 80, rows = 24) =>
    startConsole(
      [
        '-tt',
        '-p',
        port,
        '-i',
        key(name),
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        `UserKnownHostsFile=${join(sdir, 'known')}`,
        '127.0.0.1',
      ],
      { file: 'ssh', cols, rows },
    );
  const clients = [];
  try {
    const alice = client('alice');
    clients.push(alice);
    await alice.waitFor(/opsconsole · bench/);
    // The one to be stopped has a large terminal: its frames fill OpenSSH's 2 MB window and the
    // socket buffers within the wait below (at 80x24 that takes minutes), so the server must drop.
    const others = [client('viewer', 250, 80), client('viewer')];
    clients.push(...others);
    for (const o of others) await o.waitFor(/opsconsole · bench/);
    await alice.waitFor(/GET \/orders/);
    const unloaded = await keyLatencies(alice, 30);
    console.log(
      `commander keypress-to-screen, two others reading: p50 ${fmt(pct(unloaded, 50))}, p99 ${fmt(pct(unloaded, 99))}`,
    );
    process.kill(others[0].p.pid, 'SIGSTOP');
    // From when its window is full, the server drops its frames and stops rendering for it.
    await sleep(Number(process.env.BENCH_SERVE_STALL_SECONDS ?? 180) * 1000);
    const stalled = await keyLatencies(alice, 30);
    console.log(
      `with one client stopped (SIGSTOP on its ssh): p50 ${fmt(pct(stalled, 50))}, p99 ${fmt(pct(stalled, 99))} (${(pct(stalled, 99) / pct(unloaded, 99)).toFixed(2)}x the unloaded p99; goal ≤ 1.2x)`,
    );
    process.kill(others[0].p.pid, 'SIGCONT');
    for (const c of clients.splice(0)) c.p.kill();
    await sleep(1000);
    const left = [...said.matchAll(/viewer left after .*/g)].map((m) => m[0]);
    console.log(`the viewers as they left (the server's log): ${left.join('; ')}`);
    const viewers = Array.from({ length: 20 }, () => client('viewer'));
    clients.push(...viewers);
    for (const v of viewers) await v.waitFor(/opsconsole · bench/, 60_000);
    await sleep(3000);
    const bytes0 = viewers.map((v) => v.bytes());
    const a = procStat(server.pid);
    await sleep(15_000);
    const b = procStat(server.pid);
    const perViewer = viewers.reduce((sum, v, i) => sum + v.bytes() - bytes0[i], 0) / viewers.length / 15;
    console.log(
      `20 viewers at 80x24, 50 log lines/s: server ${(((b.ticks - a.ticks) / 100 / 15) * 100).toFixed(1)}% of a core, RSS ${mb(b.rss)}, ${(perViewer / 1024).toFixed(1)} KB per viewer per second`,
    );
  } catch (err) {
    // What the server said is the first thing to read when a client never got its screen.
    console.log(`serve bench failed: ${err.message}\nthe server's log:\n${said}`);
  } finally {
    clearInterval(traffic);
    for (const c of clients) c.p.kill();
    server.kill('SIGTERM');
  }
}

/** The single executable (npm run dist) beside today's launcher: size, --version, the demo's first frame. */
async function distBench() {
  console.log('\n## the single executable (npm run dist) beside bin/opsconsole\n');
  const exe = join(root, 'dist', 'opsconsole-linux-x64');
  if (!existsSync(exe)) execFileSync('npm', ['run', 'dist'], { cwd: root, stdio: 'ignore' });
  const deb = readdirSync(join(root, 'dist')).find((f) => f.endsWith('.deb'));
  console.log(
    `size: ${mb(statSync(exe).size)} (the .deb ${mb(statSync(join(root, 'dist', deb)).size)}); Node itself is most of it`,
  );
  const versionMs = (file) => {
    const times = [];
    for (let i = 0; i < 11; i++) {
      const t0 = performance.now();
      execFileSync(file, ['--version']);
      times.push(performance.now() - t0);
    }
    return pct(times, 50);
  };
  const sea = versionMs(exe);
  const launcher = versionMs(bin);
  console.log(
    `--version (median of 11): single file ${fmt(sea)}, bin/opsconsole ${fmt(launcher)} (${(sea / launcher).toFixed(2)}x)`,
  );
  for (const [name, file] of [
    ['single file', exe],
    ['bin/opsconsole', bin],
  ]) {
    const firsts = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const c = startConsole(['demo', '--deploy-after', 'never'], {
        file,
        env: { OPSCONSOLE_STATE_DIR: join(dir, `dist-state-${Date.now()}`) },
      });
      await c.waitFor(/opsconsole · demo/);
      firsts.push(performance.now() - t0);
      c.p.write('q');
      await sleep(1500);
      c.p.kill();
    }
    console.log(`demo first frame (median of 3): ${name} ${fmt(pct(firsts, 50))}`);
  }
}

async function patternsBench() {
  console.log('\n## log templates\n');
  const { loghubAccuracy, minerThroughput } = await import(join(root, 'dist', 'bench', 'patternBench.js'));
  for (const r of loghubAccuracy())
    console.log(
      `grouping accuracy on loghub ${r.name.padEnd(10)} ${r.ga.toFixed(3)}  (naive digit masking ${r.naive.toFixed(3)})`,
    );
  const file = await corpus();
  minerThroughput(file); // warm up
  const runs = [1, 2, 3].map(() => minerThroughput(file));
  const best = runs.sort((a, b) => a.ms - b.ms)[0];
  console.log(
    `parse + mine on one core: ${Math.round(best.lines / (best.ms / 1000)).toLocaleString('en')} lines/s (${best.lines} lines, ${best.templates} templates; goal ≥ 200,000)`,
  );
  const ours = timeCommand(bin, ['logs', '--patterns', '--file', file], 1);
  const naive = timeCommand(
    'bash',
    ['-c', `sed -E 's/[^ ]*[0-9][^ ]*/<*>/g' '${file}' | sort | uniq -c | sort -rn`],
    1,
  );
  console.log(
    `opsconsole logs --patterns ${fmt(ours.ms)}, ${ours.lines} lines out; sed | sort | uniq -c ${fmt(naive.ms)}, ${naive.lines} lines out`,
  );
  if (ours.ms && naive.ms)
    console.log(`time opsconsole / naive pipeline: ${(ours.ms / naive.ms).toFixed(2)}x`);
}

async function alertsBench() {
  const groups = 200;
  console.log(`\n## alerts: ${ALERTS} alerts in ${groups} groups on a real Alertmanager\n`);
  const amDir = join(dir, `alertmanager-${Date.now()}`);
  mkdirSync(amDir, { recursive: true });
  writeFileSync(join(amDir, 'am.yml'), 'route: { receiver: nowhere }\nreceivers: [{ name: nowhere }]\n');
  const port = 19000 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}`;
  const am = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(amDir, 'am.yml')}`,
      `--storage.path=${join(amDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {}
      if (i > 300) throw new Error('alertmanager did not start');
      await sleep(100);
    }
    const severities = ['critical', 'warning', 'info'];
    const alerts = Array.from({ length: ALERTS }, (_, i) => {
      const g = i % groups;
      return {
        labels: {
          alertname: `Rule${g}`,
          service: `svc${g}`,
          severity: severities[g % 3],
          instance: `host-${i}:9100`,
        },
        annotations: { summary: `rule ${g} fired on host-${i}`, runbook_url: 'https://runbooks.example/x' },
      };
    });
    for (let i = 0; i < alerts.length; i += 500) {
      await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts.slice(i, i + 500)),
      });
    }
    const tools = [
      ['opsconsole alerts', bin, ['alerts', '--alertmanager', url]],
      ['opsconsole alerts --json', bin, ['alerts', '--json', '--alertmanager', url]],
      ['amtool alert query', 'amtool', ['alert', 'query', `--alertmanager.url=${url}`]],
      ['curl | jq', 'bash', ['-c', `curl -s ${url}/api/v2/alerts | jq -c '.[]'`]],
    ];
    const results = {};
    for (const [name, cmd, args] of tools) {
      const r = timeCommand(cmd, args, 3);
      results[name] = r;
      console.log(
        r.error
          ? `${name.padEnd(26)} failed: ${r.error}`
          : `${name.padEnd(26)} ${fmt(r.ms).padStart(9)}  ${r.lines} lines`,
      );
    }
    for (const other of ['amtool alert query', 'curl | jq']) {
      const o = results[other];
      const ours = results['opsconsole alerts'];
      if (o?.ms && ours?.ms)
        console.log(`time opsconsole alerts / ${other}: ${(ours.ms / o.ms).toFixed(2)}x`);
    }
    const config = join(amDir, 'opsconsole.yaml');
    writeFileSync(config, `environments:\n  bench:\n    alertmanager: { url: "${url}" }\n    services: {}\n`);
    const diagnostics = join(amDir, 'diagnostics.jsonl');
    const c = startConsole(['--config', config], {
      env: { OPSCONSOLE_STATE_DIR: join(amDir, 'state'), OPSCONSOLE_DIAGNOSTICS_FILE: diagnostics },
    });
    const t0 = performance.now();
    await c.waitFor(new RegExp(`am ${ALERTS}`));
    console.log(`console: ${ALERTS} alerts counted in the header after ${fmt(performance.now() - t0)}`);
    c.p.write('A');
    await c.waitFor(new RegExp(`Alerts \\(${groups} groups\\)`));
    // Each poll fetches and regroups every alert: its cost is the CPU over several polls (one per 5 s).
    await sleep(3000);
    const a = procStat(c.p.pid);
    await sleep(30_000);
    const b = procStat(c.p.pid);
    const cpuPerPoll = ((b.ticks - a.ticks) / 100 / 6) * 1000;
    const loop = readFileSync(diagnostics, 'utf8')
      .trim()
      .split('\n')
      .slice(-30)
      .map((l) => JSON.parse(l));
    console.log(
      `refresh (one poll of ${ALERTS} alerts, every 5 s): ${cpuPerPoll.toFixed(0)} ms of CPU; event-loop delay max ${Math.max(...loop.map((l) => l.loopMaxMs)).toFixed(0)} ms, p99 ${Math.max(...loop.map((l) => l.loopP99Ms)).toFixed(0)} ms`,
    );
    console.log(`memory (RSS) with ${ALERTS} alerts: ${mb(b.rss)}`);
    const lat = await keyLatencies(c, 20);
    console.log(
      `keypress-to-screen in the alerts view ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
    );
    const moves = [];
    for (let i = 0; i < 20; i++) {
      const t1 = performance.now();
      c.p.write('/');
      await c.waitFor(/Filter alerts|alerts: name, label=value/, 5000);
      moves.push(performance.now() - t1);
      c.p.write('\u001b');
      await c.waitFor(/^(?![\s\S]*alerts: name, label=value)/, 5000);
    }
    console.log(
      `keypress-to-screen ('/' opens the alerts filter): p50 ${fmt(pct(moves, 50))}, p99 ${fmt(pct(moves, 99))}`,
    );
    c.p.write('q');
    await sleep(1000);
    c.p.kill();
  } finally {
    am.kill('SIGTERM');
  }
}

async function fleetBench() {
  console.log(`\n## fleet: ${FLEET} containers on a real Docker engine, watched with no configuration\n`);
  const fleetDir = join(dir, `fleet-${Date.now()}`);
  mkdirSync(join(fleetDir, 'rootfs', 'bin'), { recursive: true });
  const socket = join(fleetDir, 'docker.sock');
  const dockerd = spawn(
    'dockerd',
    [
      '--iptables=false',
      '--ip-forward=false',
      '--bridge=none',
      '--storage-driver=vfs',
      `--host=unix://${socket}`,
      `--data-root=${join(fleetDir, 'data')}`,
      `--exec-root=${join(fleetDir, 'exec')}`,
      `--pidfile=${join(fleetDir, 'pid')}`,
    ],
    { stdio: 'ignore' },
  );
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}` };
  const docker = (...args) =>
    execFileSync('docker', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    for (let i = 0; ; i++) {
      try {
        docker('version');
        break;
      } catch {
        if (i > 300) throw new Error('dockerd did not start');
        await sleep(200);
      }
    }
    execFileSync('cp', ['/bin/busybox', join(fleetDir, 'rootfs', 'bin', 'busybox')]);
    for (const a of ['sh', 'sleep'])
      execFileSync('ln', ['-s', 'busybox', join(fleetDir, 'rootfs', 'bin', a)]);
    execFileSync('sh', ['-c', `tar -C '${join(fleetDir, 'rootfs')}' -c . | docker import - fleet:1`], {
      env,
      stdio: 'ignore',
    });
    const run = (i) =>
      docker(
        'run',
        '-d',
        '--name',
        `scale${i}`,
        '--network',
        'none',
        ...(i === FLEET - 7 ? ['--health-cmd', 'false', '--health-interval', '1s'] : []),
        'fleet:1',
        'sleep',
        '3600',
      );
    // First 20 SSH hosts over the same engine, PER_HOST containers each (20 x 15 = 300 rows).
    for (let i = 1; i <= PER_HOST; i++) run(i);
    await sshHostsBench(fleetDir, socket);
    const t0 = performance.now();
    for (let i = PER_HOST + 1; i <= FLEET; i++) run(i);
    console.log(
      `\nstarted ${FLEET} containers in ${fmt(performance.now() - t0)} (the first ${PER_HOST} before)`,
    );
    const ps = timeCommand('docker', ['-H', `unix://${socket}`, 'ps', '-a', '--format', '{{.Names}}'], 3);
    console.log(`docker ps -a: ${fmt(ps.ms)} for ${ps.lines} containers`);
    const idle0 = ticksOf(fleetDir);
    await sleep(10_000);
    const dockerdIdle = (ticksOf(fleetDir) - idle0) / 100 / 10;
    const stateDir = join(fleetDir, 'state');
    const started = performance.now();
    const c = startConsole([], {
      env: {
        DOCKER_HOST: `unix://${socket}`,
        OPSCONSOLE_STATE_DIR: stateDir,
        XDG_CONFIG_HOME: join(fleetDir, 'cfg'),
      },
    });
    await c.waitFor(new RegExp(`Containers[^\\n]*\\b${FLEET}\\b`), 120_000);
    const listed = performance.now() - started;
    console.log(
      `every container listed in the console: ${fmt(listed)} (docker ps: ${fmt(ps.ms)}; ratio ${(listed / ps.ms).toFixed(1)}x)`,
    );
    const unhealthyFirst = await c
      .waitFor(new RegExp(`scale${FLEET - 7}\\s+running\\s+unhlth`), 60_000)
      .then(() =>
        c
          .screen()
          .split('\n')
          .findIndex((l) => l.startsWith(`scale${FLEET - 7} `)),
      );
    console.log(`the unhealthy container is on screen row ${unhealthyFirst} of 24 at 80x24`);
    await sleep(5000);
    const a = procStat(c.p.pid);
    const d0 = ticksOf(fleetDir);
    await sleep(20_000);
    const b = procStat(c.p.pid);
    const dockerdWatched = (ticksOf(fleetDir) - d0) / 100 / 20;
    console.log(
      `console at rest: ${(((b.ticks - a.ticks) / 100 / 20) * 100).toFixed(1)}% of a core, RSS ${mb(b.rss)}`,
    );
    console.log(
      `dockerd: ${(dockerdIdle * 100).toFixed(1)}% of a core alone, ${(dockerdWatched * 100).toFixed(1)}% with the console attached`,
    );
    const lat = await keyLatencies(c, 20);
    console.log(
      `keypress-to-screen with ${FLEET} containers: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
    );
    c.p.write('q');
    await sleep(1500);
  } finally {
    dockerd.kill('SIGTERM');
    await new Promise((r) => dockerd.once('exit', r));
    spawnSync('pkill', ['-KILL', '-f', `containerd.*${fleetDir}`]);
    // The engine leaves its mounts (network namespaces, the data root) behind: lift them first.
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(fleetDir))
      .sort()
      .reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(fleetDir, { recursive: true, force: true });
  }
}

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
execFileSync(
  join(root, 'node_modules', '.bin', 'esbuild'),
  [
    join(root, 'scripts', 'patternBench.ts'),
    join(root, 'scripts', 'kubernetesBench.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outdir=${join(root, 'dist', 'bench')}`,
    '--log-level=warning',
  ],
  { stdio: 'inherit' },
);
execFileSync(
  join(root, 'node_modules', '.bin', 'esbuild'),
  [
    join(root, 'src', 'text', 'redact.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${join(root, 'dist', 'bench', 'redact.js')}`,
    '--log-level=warning',
  ],
  { stdio: 'inherit' },
);
console.log(`opsconsole bench on ${process.version}, ${new Date().toISOString()}`);
const run = (name) => !ONLY || ONLY.includes(name);
if (run('search')) await searchBench();
if (run('console')) await consoleBench();
if (run('flood')) await floodBench();
if (run('soak')) await soakBench();
if (run('redact')) await redactBench();
if (run('fleet')) await fleetBench();
if (run('alerts')) await alertsBench();
if (run('patterns')) await patternsBench();
if (run('kubernetes')) await kubernetesBench();
if (run('serve')) await serveBench();
if (run('dist')) await distBench();
