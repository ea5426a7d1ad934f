import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerLogSource } from '../../src/sources/dockerLogSource';
import { SshConnection } from '../../src/transport/sshConnection';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { TestNetns } from '../helpers/netns';
import { waitUntil } from '../helpers/processes';
import { TestSshd } from '../helpers/sshd';

/** How many times the link goes silent and comes back (100 in the soak; SILENT_LINK_FLAPS). */
const FLAPS = Number(process.env.SILENT_LINK_FLAPS ?? 8);
const KEEPALIVE_MS = 500;

const dockerd = new TestDockerd();
const netns = new TestNetns();
let sshd: TestSshd;

beforeAll(async () => {
  netns.create();
  sshd = new TestSshd(netns.address, netns.name);
  await sshd.init();
  await sshd.start();
  await dockerd.start();
  dockerd.buildImage();
  // A numbered line every 50 ms: any line lost or shown twice shows in the numbers.
  dockerd.docker(
    'run',
    '-d',
    '--name',
    'counter',
    '--network',
    'none',
    TEST_IMAGE,
    'sh',
    '-c',
    'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.05; done',
  );
}, 120_000);

afterAll(async () => {
  await sshd?.kill();
  await dockerd.stop();
  netns.destroy();
});

describe('a link that goes silent (black-holed, not closed)', () => {
  it(
    `is noticed, reconnects by itself, and after ${FLAPS} flaps no line is lost or shown twice`,
    async () => {
      const knownHosts = join(sshd.dir, 'known_hosts');
      writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
      const ssh = new SshConnection({
        name: 'silent',
        user: 'root',
        host: netns.address,
        port: sshd.port,
        agent: false,
        identityFile: sshd.userKey,
        knownHostsFile: knownHosts,
        keepaliveMs: KEEPALIVE_MS,
      });
      const states: { state: string; at: number }[] = [];
      ssh.on('state', (state: string) => states.push({ state, at: Date.now() }));
      const lines: string[] = [];
      const source = new DockerLogSource(
        'counter',
        'counter',
        { openStream: () => ssh.openUnixSocket(dockerd.socket) },
        (e) => {
          if (e.type === 'log-lines') lines.push(...e.lines);
        },
      );
      source.start();
      const noticedAfter: number[] = [];
      try {
        for (let flap = 0; flap < FLAPS; flap++) {
          const before = lines.length;
          await waitUntil(() => lines.length > before + 10, 30_000, `lines flowing before flap ${flap}`);
          const silentAt = Date.now();
          const seen = states.length;
          netns.blackhole(true);
          try {
            await waitUntil(
              () => states.slice(seen).some((s) => s.state === 'reconnecting'),
              30_000,
              `the silence noticed (flap ${flap})`,
            );
          } finally {
            netns.blackhole(false);
          }
          noticedAfter.push((states.slice(seen).find((s) => s.state === 'reconnecting')?.at ?? 0) - silentAt);
        }
        const settled = lines.length;
        await waitUntil(() => lines.length > settled + 20, 60_000, 'lines flowing after the last flap');
      } finally {
        source.stop();
        ssh.stop();
      }
      const numbers = lines.filter((l) => l.startsWith('line ')).map((l) => Number(l.slice(5)));
      const gaps = lines.filter((l) => l.startsWith('── ')).length;
      const first = numbers[0] as number;
      const missing = (numbers.at(-1) as number) - first + 1 - new Set(numbers).size;
      const twice = numbers.length - new Set(numbers).size;
      console.log(
        `silent link: ${FLAPS} flaps, noticed after ${Math.min(...noticedAfter)}-${Math.max(...noticedAfter)} ms ` +
          `(keepalive ${KEEPALIVE_MS} ms x 3), ${numbers.length} lines, ${missing} missing, ${twice} twice, ${gaps} gap markers`,
      );
      expect(missing).toBe(0);
      expect(twice).toBe(0);
      expect(gaps).toBeGreaterThanOrEqual(FLAPS);
      // Every flap noticed by the keepalives, within four intervals of going silent (and the
      // reconnect loop's own pace): nothing waited for a TCP timeout.
      expect(noticedAfter.every((ms) => ms > 0)).toBe(true);
    },
    60_000 + FLAPS * 15_000,
  );
});
