import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { runCli } from '../helpers/cli';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { TestSshd } from '../helpers/sshd';

const dockerd = new TestDockerd();
const sshd = new TestSshd();
const home = mkdtempSync(join(tmpdir(), 'oc-container-'));
const stateDir = join(home, 'state');
const env = { OPSCONSOLE_STATE_DIR: stateDir, XDG_CONFIG_HOME: join(home, 'config') };

beforeAll(async () => {
  await Promise.all([dockerd.start(), sshd.init().then(() => sshd.start())]);
  dockerd.buildImage();
  // Ends on SIGTERM, as a service does: a restart takes a second, not the 10 s grace.
  dockerd.docker(
    'run',
    '-d',
    '--name',
    'shop-api-1',
    '--network',
    'none',
    TEST_IMAGE,
    'sh',
    '-c',
    'trap "exit 0" TERM; while true; do sleep 1; done',
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([dockerd.stop(), sshd.kill()]);
});

const cli = (args: string[]) =>
  runCli(['container', ...args, '--docker', `unix://${dockerd.socket}`], { env });
const startedAt = () => dockerd.docker('inspect', '--format', '{{.State.StartedAt}}', 'shop-api-1');

describe('opsconsole container (a real Docker engine)', () => {
  it('restarts a container, with the intent journaled before and the result after, into the open incident', async () => {
    const id = (
      await runCli(['incident', 'declare', '--title', 'api slow', '--severity', 'P2'], { env })
    ).stdout.trim();
    const before = startedAt();
    const r = await cli(['restart', 'shop-api-1', '--yes']);
    expect(r.stdout).toBe('local: restarted shop-api-1\n');
    expect(r.stderr).toBe(`opsconsole: journaled into ${id}\n`);
    expect(r.code).toBe(0);
    expect(startedAt()).not.toBe(before);
    const records = readJournal(new IncidentRepository(stateDir).pathOf(id)).records;
    const steps = records.filter((x) => x.kind.startsWith('step.'));
    expect(steps.map((x) => x.kind)).toEqual(['step.intent', 'step.result']);
    expect(steps[0]?.payload).toMatchObject({
      step: 'restart shop-api-1',
      host: 'local',
      argv: ['docker', 'restart', 'shop-api-1'],
    });
    expect(steps[1]?.payload).toMatchObject({ exitCode: 0, output: 'restarted shop-api-1' });
    // And the incident's timeline words it like any step.
    const exported = await runCli(['export', id, '--format', 'md'], { env });
    expect(exported.stdout).toMatch(/Ran restart shop-api-1: exit 0/);
  });

  it('refuses a stopping action without a terminal unless --yes, and sends nothing', async () => {
    const before = startedAt();
    const r = await cli(['stop', 'shop-api-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^opsconsole container: stop shop-api-1 on local \(it stops the container\): refused without a terminal to confirm on\n {2}fix: add --yes/,
    );
    expect(dockerd.docker('inspect', '--format', '{{.State.Status}}', 'shop-api-1')).toBe('running');
    expect(startedAt()).toBe(before);
  });

  it('says what the engine answered: nothing to do, no such container', async () => {
    const started = await cli(['start', 'shop-api-1']);
    expect(started.code).toBe(0);
    expect(started.stdout).toBe('local: shop-api-1 was already running: nothing to do\n');
    const missing = await cli(['restart', 'shop-nope-1', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^local: the Docker engine answered 404: No such container: shop-nope-1/);
    const bad = await cli(['reboot', 'shop-api-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"reboot" is not one of restart, stop, start/);
  });

  it('acts over the SSH link as the console reaches the host: the engine is the remote one', async () => {
    const knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
    const config = join(home, 'ssh.yaml');
    writeFileSync(
      config,
      [
        'environments:',
        '  lab:',
        '    hosts:',
        '      box:',
        `        ssh: root@127.0.0.1:${sshd.port}`,
        `        identityFile: ${sshd.userKey}`,
        '        agent: false',
        `        knownHostsFile: ${knownHosts}`,
        `        dockerSocket: ${dockerd.socket}`,
        '        docker: true',
        '    services: {}',
        '',
      ].join('\n'),
    );
    const before = startedAt();
    const r = await runCli(
      ['--config', config, 'container', 'restart', 'shop-api-1', '--host', 'box', '--yes'],
      { env },
    );
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'box: restarted shop-api-1\n', expect.any(String)]);
    expect(startedAt()).not.toBe(before);
  });
});
