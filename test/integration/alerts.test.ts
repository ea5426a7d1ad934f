import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAlertmanager } from '../helpers/alertmanager';
import { runCli } from '../helpers/cli';

const am = new TestAlertmanager();
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeAll(async () => {
  await am.start();
  const hour = new Date(Date.now() - 3_600_000).toISOString();
  await am.post([
    {
      labels: { alertname: 'HighErrorRate', severity: 'warning', service: 'worker' },
      annotations: { summary: 'worker 5xx above 1%' },
      startsAt: hour,
    },
    {
      labels: {
        alertname: 'ApiDown',
        severity: 'critical',
        service: 'api',
        note: '\u001b]52;c;cm0gLXJmIC8=\u0007x\u202e',
      },
      annotations: { summary: 'api is down \u001b[2J' },
      startsAt: new Date(Date.now() - 600_000).toISOString(),
    },
    { labels: { alertname: 'DiskFull', severity: 'critical', service: 'db' } },
  ]);
}, 60_000);

afterAll(async () => {
  await am.stop();
});

describe('alerts from a real Alertmanager (API v2)', () => {
  it('lists them most severe first, silenced ones as silenced, with the silences, never raw', async () => {
    const id = await am.silence([{ name: 'alertname', value: 'DiskFull' }], 'known, being handled');
    type Listed = {
      alerts: { name: string; state: string; severity: string; labels: Record<string, string> }[];
      silences: { id: string }[];
    };
    // Alertmanager applies a new silence on its next pass: ask until it shows.
    let json: Listed = { alerts: [], silences: [] };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      json = JSON.parse((await runCli(['alerts', '--json', '--alertmanager', am.url])).stdout) as Listed;
      if (json.alerts.some((a) => a.name === 'DiskFull' && a.state === 'silenced')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(json.alerts.map((a) => a.name)).toEqual(['ApiDown', 'DiskFull', 'HighErrorRate']);
    expect(json.alerts.find((a) => a.name === 'DiskFull')?.state).toBe('silenced');
    expect(json.silences.map((s) => s.id)).toEqual([id]);
    const text = await runCli(['alerts', '--alertmanager', am.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^firing\s+critical ApiDown/m);
    expect(text.stdout).toMatch(
      /^silence \S+ active until .* by test: alertname=DiskFull\s+\(known, being handled\)/m,
    );
    expect(ACTIVE.test(text.stdout)).toBe(false);
    const filtered = await runCli([
      'alerts',
      '--json',
      '--filter',
      'service=worker',
      '--alertmanager',
      am.url,
    ]);
    expect(JSON.parse(filtered.stdout).alerts.map((a: { name: string }) => a.name)).toEqual([
      'HighErrorRate',
    ]);
  });

  it('says where and why when there is no Alertmanager to ask, or it does not answer', async () => {
    const none = await runCli(['alerts'], { cwd: am.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Alertmanager to ask[\s\S]*--alertmanager URL/);
    const down = await runCli(['alerts', '--alertmanager', 'http://127.0.0.1:9/']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^opsconsole: alerts: http:\/\/127\.0\.0\.1:9\/: /);
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('status --json with an Alertmanager in the environment', () => {
  it('includes its alerts, most severe first', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const config = join(am.dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      ['environments:', '  prod:', `    alertmanager: { url: "${am.url}" }`, '    services: {}', ''].join(
        '\n',
      ),
    );
    const r = await runCli(['status', '--json', '--sample', '1s', '--config', config]);
    const snap = JSON.parse(r.stdout);
    expect(snap.alerts.map((a: { name: string }) => a.name)).toEqual([
      'ApiDown',
      'DiskFull',
      'HighErrorRate',
    ]);
    await am.stop();
    const down = JSON.parse(
      (await runCli(['status', '--json', '--sample', '1s', '--config', config])).stdout,
    );
    expect(down.alerts).toBeNull();
    expect(down.alertsUnknown).toMatch(/ECONNREFUSED|connect/);
  });
});
