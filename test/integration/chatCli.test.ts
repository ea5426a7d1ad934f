import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { runCli } from '../helpers/cli';
import { FakeChat } from '../helpers/fakeChat';
import { startForwardProxy } from '../helpers/forwardProxy';

const chat = new FakeChat();
const dir = mkdtempSync(join(tmpdir(), 'oc-chat-cli-'));
const config = join(dir, 'opsconsole.yaml');
const urlFile = join(dir, 'discord-url');
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
let env: Record<string, string>;

beforeAll(async () => {
  await chat.start();
  proxy = await startForwardProxy();
  writeFileSync(urlFile, `${chat.url}/discord/1/x\n`, { mode: 0o600 });
  writeFileSync(
    config,
    [
      'environments:',
      '  shop:',
      '    services: {}',
      '    notify:',
      '      ops: { kind: slack, urlEnv: OPS_SLACK_URL }',
      `      execs: { kind: discord, urlFile: ${urlFile}, events: [declared, update, resolved] }`,
      '      gone: { kind: mattermost, urlEnv: GONE_URL, events: [update] }',
      '      unset: { kind: teams, urlEnv: NOT_SET_ANYWHERE, events: [test] }',
      '',
    ].join('\n'),
  );
  env = {
    OPSCONSOLE_STATE_DIR: join(dir, 'state'),
    OPS_SLACK_URL: `${chat.url}/slack/T0/B0/x`,
    GONE_URL: `${chat.url}/nowhere/x`,
    // Bastions often reach chat only through a proxy: every message goes through this one.
    HTTP_PROXY: proxy.url,
    NO_PROXY: '',
  };
});

afterAll(async () => {
  await chat.stop();
  await proxy.stop();
});

const cli = (...args: string[]) => runCli(['--config', config, ...args], { env });

describe('chat from the CLI (a FAKE receiver, through a proxy)', () => {
  it('notify test says what the platform answered; a missing channel or URL is a usage error', async () => {
    const ok = await cli('notify', 'test', 'ops');
    expect([ok.code, ok.stdout]).toEqual([0, 'ops (slack): taken, HTTP 200: ok\n']);
    expect(proxy.forwarded.at(-1)).toMatch(/^POST 127\.0\.0\.1:\d+\/slack\/T0\/B0\/x$/);
    const refused = await cli('notify', 'test', 'gone');
    expect([refused.code, refused.stdout]).toEqual([
      1,
      'gone (mattermost): not taken, HTTP 404: no_service\n',
    ]);
    const unset = await cli('notify', 'test', 'unset');
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(
      /channel unset: \$NOT_SET_ANYWHERE is not set\n {2}fix: export NOT_SET_ANYWHERE=/,
    );
    expect(unset.stderr).not.toContain(chat.url);
    const missing = await cli('notify', 'test', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no channel "nope" in environment shop; defined: ops, execs, gone, unset/);
  });

  it('check validates every channel without sending: where its URL is and what it holds', async () => {
    const before = proxy.forwarded.length;
    const r = await cli('check');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /ok: chat channel ops \(slack\) of shop\nok: chat channel execs \(discord\) of shop/,
    );
    expect(r.stderr).toMatch(/opsconsole: shop: channel unset: \$NOT_SET_ANYWHERE is not set/);
    expect(proxy.forwarded.length).toBe(before);
    // The config named as a FILE is checked the same way, channels and all.
    const named = await runCli(['check', config], { env });
    expect(named.code).toBe(2);
    // The file is not "ok" while a channel of it is not.
    expect(named.stdout).not.toMatch(new RegExp(`^ok: ${config}$`, 'm'));
    expect(named.stdout).toContain('ok: chat channel ops (slack) of shop');
    expect(named.stderr).toMatch(/opsconsole: shop: channel unset: \$NOT_SET_ANYWHERE is not set/);
    writeFileSync(
      join(dir, 'bad.yaml'),
      'environments:\n  x:\n    services: {}\n    notify:\n      a: { kind: irc, urlEnv: A, urlFile: /f }\n',
    );
    const bad = await runCli(['--config', join(dir, 'bad.yaml'), 'check'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /environments\.x\.notify\.a\.kind[\s\S]*"slack", "mattermost", "teams", "discord", "webhook", got "irc"/,
    );
  });

  it('incident declare, update and resolve from a script tell the channels that asked, journaled', async () => {
    chat.received.length = 0;
    const id = (
      await cli('incident', 'declare', '--title', 'checkout slow', '--severity', 'P2')
    ).stdout.trim();
    const update = await cli(
      'incident',
      'update',
      id,
      '--message',
      'Impact: checkout 12% 5xx. Next update 03:45Z.',
    );
    expect(update.code).toBe(0);
    expect(update.stderr).toMatch(
      /opsconsole: ops: delivered\nopsconsole: execs: delivered\nopsconsole: gone: refused \(HTTP 404: no_service\)/,
    );
    const resolved = await cli('incident', 'resolve', id);
    expect(resolved.code).toBe(0);
    expect(chat.received.map((r) => r.platform)).toEqual([
      'slack',
      'discord',
      'slack',
      'discord',
      'slack',
      'discord',
    ]);
    const records = readJournal(
      new IncidentRepository(env.OPSCONSOLE_STATE_DIR as string).pathOf(id),
    ).records;
    expect(records.filter((r) => r.kind === 'notify.intent')).toHaveLength(7);
    expect(
      records.filter((r) => r.kind === 'incident.update').map((r) => (r.payload as { text: string }).text),
    ).toEqual(['Impact: checkout 12% 5xx. Next update 03:45Z.']);
    // A wrong --env is a usage error before anything is recorded (no record that chat could never hear of).
    const elsewhere = await cli('incident', 'update', id, '--message', 'x', '--env', 'nope');
    expect([elsewhere.code, elsewhere.stdout]).toEqual([2, '']);
    expect(elsewhere.stderr).toMatch(/no environment "nope"/);
    const after = readJournal(new IncidentRepository(env.OPSCONSOLE_STATE_DIR as string).pathOf(id)).records;
    expect(after.filter((r) => r.kind === 'incident.update')).toHaveLength(1);
    // An update after the resolution is recorded and said as such.
    const late = await cli('incident', 'update', id, '--message', 'root cause found');
    expect(late.stderr).toMatch(/is resolved; the update is told as "After resolution: …"/);
    const empty = await cli('incident', 'update', id, '--message', ' ');
    expect([empty.code, empty.stderr]).toEqual([
      2,
      'opsconsole: incident update: --message TEXT is required\n',
    ]);
  }, 60_000);
});

describe('chat over HTTPS through HTTPS_PROXY (a FAKE receiver with its own CA)', () => {
  it('notify test goes through the proxy as a CONNECT tunnel, the receiver’s certificate verified', async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), 'oc-chat-tls-'));
    const key = join(tlsDir, 'key.pem');
    const cert = join(tlsDir, 'cert.pem');
    // A self-signed certificate for 127.0.0.1, trusted by the CLI only through NODE_EXTRA_CA_CERTS.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const secure = new FakeChat();
    await secure.start({ key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
    try {
      const tlsEnv = { ...env, OPS_SLACK_URL: `${secure.url}/slack/T0/B0/x`, HTTPS_PROXY: proxy.url };
      // A proxy setting that is not a URL is said, with its fix, before anything is sent.
      const badProxy = await runCli(['--config', config, 'notify', 'test', 'ops'], {
        env: { ...tlsEnv, HTTPS_PROXY: 'not a url' },
      });
      expect([badProxy.code, badProxy.stdout]).toEqual([2, '']);
      expect(badProxy.stderr).toMatch(/\$HTTPS_PROXY is not a URL \(not a url\)\n {2}fix: /);
      expect(badProxy.stderr).not.toMatch(/internal error/);
      const untrusted = await runCli(['--config', config, 'notify', 'test', 'ops'], { env: tlsEnv });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout).toMatch(/ops \(slack\): not taken.*(CERT|certificate|SELF_SIGNED)/i);
      expect(secure.received).toHaveLength(0);
      const before = proxy.forwarded.length;
      const ok = await runCli(['--config', config, 'notify', 'test', 'ops'], {
        env: { ...tlsEnv, NODE_EXTRA_CA_CERTS: cert },
      });
      expect([ok.code, ok.stdout]).toEqual([0, 'ops (slack): taken, HTTP 200: ok\n']);
      expect(secure.received.map((r) => r.platform)).toEqual(['slack']);
      expect(proxy.forwarded.slice(before)).toEqual([expect.stringMatching(/^CONNECT 127\.0\.0\.1:\d+$/)]);
    } finally {
      await secure.stop();
    }
  });
});
