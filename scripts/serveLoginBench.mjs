// What unauthenticated clients cost `opsconsole serve`: its RSS and open fds while N TCP connections
// on 127.0.0.1 send nothing (no banner), then while N send only the SSH banner and stop there.
//
//   node scripts/serveLoginBench.mjs [--bin bin/opsconsole] [--connections 1000] [--keys-bytes 0]
//
// --keys-bytes pads the authorized-keys file with that many bytes of extra (distinct, valid) keys.
// Loopback only, at most --connections sockets at a time, and it stops by itself (SIGTERM to the
// server, then SIGKILL) after each phase or after 120 s at most. Nothing is asserted; it prints.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';

const { values } = parseArgs({
  options: {
    bin: { type: 'string', default: 'bin/opsconsole' },
    connections: { type: 'string', default: '1000' },
    'keys-bytes': { type: 'string', default: '0' },
  },
});
const count = Math.min(Number(values.connections), 5000);
const padBytes = Number(values['keys-bytes']);
const dir = mkdtempSync(join(tmpdir(), 'oc-serve-bench-'));
const hardStop = setTimeout(() => finish('stopped after 120 s'), 120_000);

execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@bench', '-f', join(dir, 'alice')]);
const lines = [`name="alice",role="commander" ${readFileSync(join(dir, 'alice.pub'), 'utf8').trim()}`];
for (let size = 0, i = 0; size < padBytes; i++) {
  const key = ssh2.utils.generateKeyPairSync('ed25519').public;
  // ssh2's generator now and then writes a 31-byte ed25519 key that its own parser refuses: skipped.
  if (ssh2.utils.parseKey(key) instanceof Error) continue;
  const line = `name="k${i}",role="viewer" ${key}`;
  lines.push(line);
  size += line.length + 1;
}
writeFileSync(join(dir, 'authorized_keys'), `${lines.join('\n')}\n`);
writeFileSync(join(dir, 'api.log'), '');
writeFileSync(
  join(dir, 'config.yaml'),
  `environments:\n  shop:\n    services:\n      api:\n        logs: [{ file: ${join(dir, 'api.log')} }]\n`,
);

let log = '';
const server = spawn(
  values.bin,
  [
    'serve',
    '--config',
    join(dir, 'config.yaml'),
    '--authorized-keys',
    join(dir, 'authorized_keys'),
    '--listen',
    '127.0.0.1:0',
  ],
  { env: { ...process.env, OPSCONSOLE_STATE_DIR: join(dir, 'state') }, stdio: ['ignore', 'ignore', 'pipe'] },
);
server.stderr.on('data', (d) => {
  log += d.toString();
});
let exited = false;
server.on('exit', (code, signal) => {
  exited = true;
  if (!stopping)
    console.log(`the server exited during the run: code ${code}, signal ${signal}\n${log.slice(-2000)}`);
});
let stopping = false;

const until = async (check, ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end && !check()) await new Promise((r) => setTimeout(r, 50));
  return check();
};

function usage() {
  try {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    return {
      rssMb: Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024),
      fds: readdirSync(`/proc/${server.pid}/fd`).length,
    };
  } catch {
    return { rssMb: 0, fds: 0 };
  }
}

/** Opens `count` connections, sending `banner` if given; returns them and how many the server closed. */
async function phase(name, port, banner) {
  const sockets = [];
  let closedByServer = 0;
  let peak = usage();
  const sample = setInterval(() => {
    const u = usage();
    peak = { rssMb: Math.max(peak.rssMb, u.rssMb), fds: Math.max(peak.fds, u.fds) };
  }, 100);
  for (let i = 0; i < count && !exited; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('data', () => {});
    s.on('close', () => {
      if (!s.closedHere) closedByServer++;
    });
    if (banner) s.on('connect', () => s.write(banner));
    sockets.push(s);
    // A few at a time, so the listen backlog is not what refuses them.
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
  }
  await until(() => sockets.every((s) => !s.connecting) || exited, 20_000);
  // Held for 5 s (longer than a test grace, far shorter than the default one), sampling as it goes.
  await until(() => exited, 5000);
  clearInterval(sample);
  const held = usage();
  console.log(
    `${name}: ${count} connections; server ${exited ? 'DEAD' : 'up'}; peak RSS ${peak.rssMb} MB, peak fds ${peak.fds}; after 5 s: RSS ${held.rssMb} MB, fds ${held.fds}; closed by the server: ${closedByServer}`,
  );
  for (const s of sockets) {
    s.closedHere = true;
    s.destroy();
  }
}

async function finish(why) {
  clearTimeout(hardStop);
  if (why) console.log(why);
  stopping = true;
  if (!exited) {
    server.kill('SIGTERM');
    if (!(await until(() => exited, 10_000))) server.kill('SIGKILL');
  }
  const notes = log.split('\n').filter((l) => /refus|closed|limit|abort|heap|EPIPE|ECONNRESET/i.test(l));
  console.log(`server log: ${log.split('\n').length} lines; of them about limits/errors: ${notes.length}`);
  for (const l of notes.slice(0, 8)) console.log(`  ${l.slice(0, 200)}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (!(await until(() => /on 127\.0\.0\.1:(\d+)/.test(log) || exited, 30_000))) await finish('no server');
const port = Number(/on 127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
const rest = usage();
console.log(
  `${values.bin}: keys file ${Math.round(lines.join('\n').length / 1024)} KB (${lines.length} keys); at rest: RSS ${rest.rssMb} MB, fds ${rest.fds}`,
);
await phase('no banner', port);
await until(() => usage().fds <= rest.fds + 5 || exited, 15_000);
if (!exited) await phase('banner only', port, 'SSH-2.0-bench\r\n');
await finish();
