import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/incident/journal';
import { TestAlertmanager } from '../helpers/alertmanager';
import { runCli } from '../helpers/cli';

const am = new TestAlertmanager();

beforeAll(async () => {
  await am.start();
  // A label value that makes V8's backtracking engine try every split of the a's before failing.
  await am.post([{ labels: { alertname: 'Backtrack', job: `${'a'.repeat(40)}!` } }]);
}, 60_000);

afterAll(async () => {
  await am.stop();
});

/** Silences Alertmanager holds now. */
async function silences(): Promise<{ id: string; matchers: { name: string; value: string }[] }[]> {
  return (await fetch(`${am.url}/api/v2/silences`)).json() as Promise<
    { id: string; matchers: { name: string; value: string }[] }[]
  >;
}

/**
 * Not Alertmanager: a server that answers what a hostile or broken one could, for the client's
 * limits. `routes` maps "METHOD path" to a body; a route mapped to undefined never answers.
 */
async function hostileAlertmanager(
  routes: Record<string, Buffer | string | { firstBytesOf: Buffer } | undefined>,
): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    if (!(key in routes)) return res.writeHead(404).end('not here');
    const body = routes[key];
    if (body === undefined) return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    // The start of an answer, and the rest never: only a client that judges as it reads can answer.
    if (typeof body === 'object' && 'firstBytesOf' in body)
      return void res.write(body.firstBytesOf.subarray(0, 2 << 20));
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

describe('what one Alertmanager answer may cost', () => {
  it('an alert with 1.5 M labels (24 MB) is refused naming the limit, by alerts and by status --json (it exhausted the heap)', async () => {
    // Written as text: the test itself need not hold 1.5 M parsed labels.
    const labels = Array.from({ length: 1_500_000 }, (_, i) => `"l${i}":"v"`).join(',');
    const body = Buffer.from(
      `[{"labels":{${labels}},"annotations":{},"status":{"state":"active"},"fingerprint":"x"}]`,
    );
    expect(body.length).toBeGreaterThan(20_000_000);
    const servers: { close(): void }[] = [];
    // Its first 2 MB, and the rest never comes: refused on what came, not after a deadline.
    const server = await hostileAlertmanager({
      'GET /api/v2/alerts': { firstBytesOf: body },
      'GET /api/v2/silences': '[]',
      'GET /api/v2/status': '{}',
    });
    servers.push(server);
    try {
      const listed = await runCli(['alerts', '--alertmanager', server.url]);
      expect(listed.code).toBe(1);
      expect(listed.stderr).toContain(
        'Alertmanager answered api/v2/alerts with more than 1000 labels (members) in one object: over the limit, not read',
      );
      expect(listed.stderr).not.toMatch(/heap|at .*\.js:\d+/);
      // status names the same limit, on a whole answer of 20,000 labels (300 KB).
      const few = Array.from({ length: 20_000 }, (_, i) => `"l${i}":"v"`).join(',');
      const smaller = await hostileAlertmanager({
        'GET /api/v2/alerts': `[{"labels":{${few}},"annotations":{},"status":{"state":"active"},"fingerprint":"x"}]`,
        'GET /api/v2/silences': '[]',
        'GET /api/v2/status': '{}',
      });
      servers.push(smaller);
      const dir = mkdtempSync(join(tmpdir(), 'oc-am-limits-'));
      const config = join(dir, 'opsconsole.yaml');
      writeFileSync(
        config,
        `environments:\n  prod:\n    alertmanager: { url: "${smaller.url}" }\n    services: {}\n`,
      );
      const status = await runCli(['status', '--json', '--sample', '1s', '--config', config]);
      const snapshot = JSON.parse(status.stdout);
      expect(snapshot.alerts).toBeNull();
      expect(snapshot.alertsUnknown).toMatch(/more than 1000 labels \(members\) in one object/);
    } finally {
      for (const s of servers) s.close();
    }
  });
});

describe('alerts silence sends what the operator confirmed', () => {
  it('previews a regex with RE2 (linear time), as Alertmanager matches it: (a+)+$ does not hang', async () => {
    const r = await runCli(
      [
        'alerts',
        'silence',
        'job=~(a+)+$',
        'alertname=Backtrack',
        '--for',
        '5m',
        '--yes',
        '--alertmanager',
        am.url,
      ],
      { timeoutMs: 30_000 },
    );
    expect(r.code).toBe(0);
    // RE2 and Alertmanager agree: the value ends in "!", so the silence catches nothing now.
    expect(r.stdout).toContain('It catches no alert right now.');
    const id = /silence (\S+) created/.exec(r.stdout)?.[1];
    expect((await silences()).some((s) => s.id === id)).toBe(true);
    // A pattern RE2 (and so Alertmanager) refuses is refused here, not sent.
    const lookbehind = await runCli([
      'alerts',
      'silence',
      'job=~(?<=a)b',
      '--for',
      '5m',
      '--yes',
      '--alertmanager',
      am.url,
    ]);
    expect(lookbehind.code).toBe(2);
    expect(lookbehind.stderr).toContain('"job=~(?<=a)b" has a regex that RE2 refuses: error parsing regexp');
  });

  it('refuses control characters in matchers and comments: what is shown inert is never sent raw', async () => {
    const before = (await silences()).length;
    const matcher = await runCli([
      'alerts',
      'silence',
      'alertname=Backtrack\u001b]52;c;cm0gLXJmIC8=\u0007',
      '--for',
      '5m',
      '--yes',
      '--alertmanager',
      am.url,
    ]);
    expect(matcher.code).toBe(2);
    expect(matcher.stderr).toContain('holds a control character');
    expect(matcher.stderr).not.toContain('\u001b');
    const comment = await runCli([
      'alerts',
      'silence',
      'alertname=Backtrack',
      '--comment',
      'ok\u202eevil',
      '--for',
      '5m',
      '--yes',
      '--alertmanager',
      am.url,
    ]);
    expect(comment.code).toBe(2);
    expect(comment.stderr).toContain('--comment');
    expect(comment.stderr).toContain('holds a control character');
    expect((await silences()).length).toBe(before);
  });

  it('--for: a date overflow, a negative or a dash-led value is the operator’s to fix, said plainly', async () => {
    const args = ['alerts', 'silence', 'alertname=Backtrack', '--yes', '--alertmanager', am.url];
    const huge = await runCli([...args, '--for', '999999999999d']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('--for: at most 3650d (ten years); got "999999999999d"');
    expect(huge.stderr).not.toContain('Alertmanager');
    const dashed = await runCli([...args, '--for', '-5m']);
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain('--for: "-5m" starts with "-", so it is read as an option');
    expect(dashed.stderr).not.toContain('ambiguous');
    const negative = await runCli([...args, '--for=-5m']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--for: expected a duration such as 30m or 2h; got "-5m"');
    const zero = await runCli([...args, '--for', '0s']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--for: a silence lasts a positive time; got "0s"');
  });

  it('a POST that gets no answer is journaled as a silence that may exist anyway', async () => {
    const server = await hostileAlertmanager({
      'GET /api/v2/alerts': '[]',
      'POST /api/v2/silences': undefined,
    });
    const state = mkdtempSync(join(tmpdir(), 'oc-silence-timeout-'));
    const env = { OPSCONSOLE_STATE_DIR: state };
    try {
      const id = (
        await runCli(['incident', 'declare', '--title', 'x', '--severity', 'P3'], { env })
      ).stdout.trim();
      const r = await runCli(
        [
          'alerts',
          'silence',
          'alertname=X',
          '--for',
          '5m',
          '--yes',
          '--incident',
          id,
          '--alertmanager',
          server.url,
        ],
        { env },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('no complete answer within 5000ms');
      expect(r.stderr).toContain('the silence may exist anyway');
      const result = readJournal(join(state, 'incidents', `${id}.jsonl`)).records.find(
        (x) => x.kind === 'silence.result',
      );
      expect(result?.payload).toMatchObject({
        error: expect.stringContaining('the request was sent, so the silence may exist anyway'),
        mayExist: true,
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
