import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, runShell } from '../helpers/cli';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';
import { recordingProxy } from '../helpers/recordingProxy';

const dockerd = new TestDockerd();
const home = mkdtempSync(join(tmpdir(), 'oc-zero-'));
/** No configuration anywhere: an empty working directory and XDG dirs. */
const noConfig = () => ({
  cwd: home,
  env: {
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    OPSCONSOLE_STATE_DIR: join(home, 'state'),
    DOCKER_HOST: `unix://${dockerd.socket}`,
    // No cluster either: a kubeconfig here would be watched too.
    KUBECONFIG: join(home, 'no-kubeconfig'),
  },
});

/** A compose-labelled container that logs one JSON request line every 100 ms, a tenth of them 500s. */
function runApi(name: string, tag: string): void {
  dockerd.docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'none',
    '--label',
    'com.docker.compose.project=shop',
    '--label',
    'com.docker.compose.service=api',
    `shop/api:${tag}`,
    'sh',
    '-c',
    'i=0; while true; do s=200; [ $((i % 10)) = 0 ] && s=500; echo "{\\"level\\":\\"info\\",\\"status\\":$s,\\"msg\\":\\"req $i\\"}"; i=$((i+1)); sleep 0.1; done',
  );
}

beforeAll(async () => {
  await dockerd.start();
  dockerd.buildImage();
  // Two tags of the same image stand for two releases.
  dockerd.docker('tag', TEST_IMAGE, 'shop/api:1.4.2');
  dockerd.docker('tag', TEST_IMAGE, 'shop/api:1.5.0');
  runApi('shop-api-1', '1.4.2');
}, 120_000);

afterAll(async () => {
  await dockerd.stop();
});

describe('with no configuration', () => {
  it('watches the local Docker engine: its containers, their services and logs', async () => {
    const r = await runCli(['status', '--json', '--sample', '4s'], noConfig());
    expect(r.stderr).toBe('');
    const snap = JSON.parse(r.stdout);
    expect(snap.containers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'shop-api-1',
          state: 'running',
          version: '1.4.2',
          compose: { project: 'shop', service: 'api' },
        }),
      ]),
    );
    const api = snap.services.find((s: { service: string }) => s.service === 'api');
    // The logs were followed: the error rate comes from them.
    expect(api.errorRatioFromLogs.requests1m).toBeGreaterThan(5);
    expect(api.errorRatioFromLogs['1m']).toBeGreaterThan(0);
    expect(snap.versions).toEqual({ api: '1.4.2' });
  });

  it("`opsconsole logs` prints every container's recent lines and follows them", async () => {
    const r = await runCli(['logs'], noConfig());
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    // One container: its lines as they are (with several, each line starts with its service).
    expect(lines.filter((l) => !l.startsWith('{"level":"info","status":'))).toEqual([]);
    const followed = await runShell(`timeout 20 "$OC" logs --follow | head -3`, noConfig().env, home);
    expect(followed.stdout.trim().split('\n')).toHaveLength(3);
    expect(followed.code).toBe(0);
  });

  it('`--docker SOCKET` looks at one engine the same way', async () => {
    const r = await runCli(['status', '--json', '--sample', '2s', '--docker', dockerd.socket], {
      ...noConfig(),
      env: { ...noConfig().env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    expect(JSON.parse(r.stdout).containers.map((c: { name: string }) => c.name)).toContain('shop-api-1');
  });

  it('says what it looked for, and how to configure, when there is nothing to watch', async () => {
    const r = await runCli(['status'], {
      ...noConfig(),
      env: { ...noConfig().env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /nothing to watch[\s\S]*looked for a Docker engine at \/nonexistent\.sock: no socket there\n {2}looked for a kubeconfig at \S+no-kubeconfig: none[\s\S]*opsconsole init/,
    );
  });

  it('logs says what it looked for when there is nothing to read', async () => {
    const r = await runCli(['logs', '--follow'], {
      ...noConfig(),
      env: { ...noConfig().env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'opsconsole: logs: nothing to read: no --file or --cmd, no config file, and no Docker engine answered at /nonexistent.sock\n  fix: give --file PATH or --cmd ARGV, or write a config with opsconsole init\n',
    );
  });

  it('sees a container recreated with another tag as a release of its service, at its start', async () => {
    // Through a proxy that notes each request, so the container is recreated only once status
    // has listed the containers and subscribed to the engine's events.
    const proxy = await recordingProxy(dockerd.socket, join(home, 'docker-proxy.sock'));
    const status = new Promise<string>((resolve) => {
      const child = spawn(BIN, ['status', '--json', '--sample', '10s'], {
        ...noConfig(),
        env: { ...process.env, ...noConfig().env, DOCKER_HOST: `unix://${proxy.path}` },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('close', () => resolve(out));
    });
    await waitUntil(
      () =>
        proxy.requests.some((r) => /\/events\b/.test(r)) &&
        proxy.requests.some((r) => /\/containers\/json/.test(r)),
      20_000,
      'status to list the containers and follow the events',
    );
    const recreatedAt = Date.now();
    dockerd.docker('rm', '-f', 'shop-api-1');
    runApi('shop-api-2', '1.5.0');
    const snap = JSON.parse(await status);
    const release = snap.releases.find((r: { service: string }) => r.service === 'api');
    expect(release).toMatchObject({ from: '1.4.2', to: '1.5.0', host: 'local' });
    expect(release.reason).toMatch(/shop-api-2 recreated from shop\/api:1\.4\.2 with shop\/api:1\.5\.0/);
    // Dated by the new container's start (Docker's clock is this machine's, to the second).
    expect(Date.parse(release.at)).toBeGreaterThanOrEqual(Math.floor(recreatedAt / 1000) * 1000);
    expect(snap.versions).toEqual({ api: '1.5.0' });
    proxy.close();
  });
});

describe('opsconsole init', () => {
  it('writes a commented config that check accepts and status uses, and never overwrites it unasked', async () => {
    const out = join(home, 'opsconsole.yaml');
    const first = await runCli(['init', '--out', out], noConfig());
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /wrote .*opsconsole\.yaml: the Docker engine at .*, \d+ containers?, \d+ services?/,
    );
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# opsconsole configuration, written by `opsconsole init`/);
    expect(text).toMatch(/followContainerLogs: true/);
    expect(text).toMatch(/ {6}api:\n {8}container: shop-api-/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const check = await runCli(['check', '--config', out], noConfig());
    expect(check.code).toBe(0);
    const status = await runCli(['status', '--json', '--sample', '2s', '--config', out], noConfig());
    expect(JSON.parse(status.stdout).containers.length).toBeGreaterThan(0);
    const again = await runCli(['init', '--out', out], noConfig());
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; nothing written[\s\S]*--force/);
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect((await runCli(['init', '--out', out, '--force'], noConfig())).code).toBe(0);
  });
});

describe('stats at fleet scale', () => {
  it('past the stream cap, containers are sampled in turn: every running one gets its memory', async () => {
    for (const n of [1, 2, 3])
      dockerd.docker('run', '-d', '--name', `idle-${n}`, '--network', 'none', TEST_IMAGE, 'sleep', '600');
    const { DockerSource } = await import('../../src/sources/dockerSource');
    const latest = new Map<string, { memoryBytes?: number; state: string }>();
    // One stream at most: the others can only get their figures from samples.
    const source = new DockerSource(
      'local',
      { socketPath: dockerd.socket },
      (e) => {
        if (e.type === 'container') latest.set(e.status.name, e.status);
      },
      1,
    );
    source.start();
    try {
      await waitUntil(
        () =>
          [...latest.values()].filter((s) => s.state === 'running' && (s.memoryBytes ?? 0) > 0).length >= 4,
        30_000,
        'memory figures for every running container',
      );
    } finally {
      source.stop();
    }
    const running = [...latest.entries()].filter(([, s]) => s.state === 'running');
    expect(running.length).toBeGreaterThanOrEqual(4);
    expect(
      running
        .filter(([, s]) => (s.memoryBytes ?? 0) > 0)
        .map(([n]) => n)
        .sort(),
    ).toEqual(running.map(([n]) => n).sort());
  });
});

describe('`status` for scripts and cron', () => {
  it('exits 4 while a rule is pending (the api at 10% 5xx, nothing else wrong)', async () => {
    const r = await runCli(['status', '--json', '--sample', '4s'], noConfig());
    const snap = JSON.parse(r.stdout);
    expect(snap.firing).toEqual([]);
    expect(snap.pending).toEqual(expect.arrayContaining(['api error-ratio-critical pending']));
    expect(r.code).toBe(4);
  });

  it('exits 3 during an outage, lists every configured service, and reads Docker health checks', async () => {
    const dir = mkdtempSync(join(home, 'outage-'));
    const quietLog = join(dir, 'quiet.log');
    writeFileSync(quietLog, '{"status":200}\n');
    const config = join(dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      [
        'environments:',
        '  prod:',
        `    hosts: { local: { docker: true, dockerSocket: "${dockerd.socket}" } }`,
        '    services:',
        `      quiet: { logs: [{ file: "${quietLog}" }] }`,
        '      cart: { container: cart-1 }',
      ].join('\n'),
    );
    dockerd.docker(
      'run',
      '-d',
      '--name',
      'cart-1',
      '--network',
      'none',
      '--label',
      'com.docker.compose.project=shop',
      '--label',
      'com.docker.compose.service=cart',
      '--health-cmd',
      'false',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
      TEST_IMAGE,
      'sleep',
      '600',
    );
    dockerd.docker('run', '-d', '--name', 'killed', '--network', 'none', TEST_IMAGE, 'sleep', '600');
    dockerd.docker('kill', 'killed');
    try {
      await waitUntil(
        () =>
          dockerd.docker('inspect', '--format', '{{.State.Health.Status}}', 'cart-1') === 'unhealthy' &&
          dockerd.docker('inspect', '--format', '{{.State.Status}}', 'killed') === 'exited',
        30_000,
        'cart-1 unhealthy and killed exited',
      );
      const r = await runCli(['status', '--json', '--sample', '3s', '--config', config], noConfig());
      expect(r.stderr).toBe('');
      const snap = JSON.parse(r.stdout);
      const byName = new Map(snap.services.map((s: { service: string }) => [s.service, s]));
      expect(byName.get('quiet')).toMatchObject({ unknownReason: 'no data yet' });
      expect(byName.get('cart')).toMatchObject({ health: { up: 0, total: 1 } });
      expect(snap.firing).toEqual(
        expect.arrayContaining([
          'local/killed exited (137)',
          expect.stringMatching(/^local\/cart-1 unhealthy/),
        ]),
      );
      expect(r.code).toBe(3);
      const text = await runCli(['status', '--sample', '3s', '--config', config], noConfig());
      expect(text.code).toBe(3);
      expect(text.stdout).toMatch(/^ {2}cart +5xx 1m +\S+ +health 0\/1/m);
      expect(text.stdout).toMatch(/^firing: .*local\/killed exited \(137\)/m);
    } finally {
      dockerd.docker('rm', '-f', 'cart-1', 'killed');
    }
  }, 120_000);
});
