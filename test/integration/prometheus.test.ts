import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { LogBuffer } from '../../src/logs/logBuffer';
import { ErrorRateWindow } from '../../src/metrics/errorRateWindow';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { PrometheusClient, prometheusSource } from '../../src/sources/prometheusSource';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { startControlledService } from '../helpers/controlledService';
import { waitUntil } from '../helpers/processes';
import { type RunningPrometheus, startPrometheus } from '../helpers/prometheus';

describe('error rates from a real Prometheus', () => {
  let prom: RunningPrometheus;
  let svc: Awaited<ReturnType<typeof startControlledService>>;

  beforeAll(async () => {
    svc = await startControlledService('svc');
    svc.setRatio(0.1);
    prom = await startPrometheus([svc.target]);
    const client = new PrometheusClient(prom.url);
    // Wait for a few scrapes so rate windows have data.
    const deadline = Date.now() + 30_000;
    while (
      Date.now() < deadline &&
      ((await client.scalar('count(http_requests_total)').catch(() => undefined)) ?? 0) < 2
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    await prom?.stop();
    await svc?.stop();
  });

  it("tracks Prometheus's own answer for the 5xx ratio as it changes", async () => {
    const events: SourceEvent[] = [];
    const poller = prometheusSource(
      { service: 'svc', url: prom.url, selector: '{service="svc"}', intervalMs: 1000, backfillMs: 60_000 },
      (e) => events.push(e),
    );
    poller.start();
    const client = new PrometheusClient(prom.url);
    const promRatio = () =>
      client.scalar(
        'sum(increase(http_requests_total{service="svc",code=~"5.."}[10s])) / sum(increase(http_requests_total{service="svc"}[10s]))',
      );
    const ours = () => {
      const w = new ErrorRateWindow();
      for (const e of events) if (e.type === 'counters') w.add(e.at, e.total, e.errors);
      return w.over(10_000).ratio;
    };
    try {
      // Both sides need ten seconds of samples at this ratio; wait until they agree, not a guess of how long.
      const agree = async (above: number, within: number) => {
        const [x, y] = [ours(), await promRatio()];
        return x !== undefined && y !== undefined && x > above && Math.abs(x - y) < within;
      };
      await waitUntil(() => agree(0.07, 0.03), 30_000, 'our ratio to agree with Prometheus at 10%');
      const [a, b] = [ours(), await promRatio()];
      expect(a).toBeGreaterThan(0.07);
      expect(Math.abs((a as number) - (b as number))).toBeLessThan(0.03);
      svc.setRatio(0.3);
      await waitUntil(() => agree(0.25, 0.04), 30_000, 'our ratio to agree with Prometheus at 30%');
      const [c, d] = [ours(), await promRatio()];
      expect(c).toBeGreaterThan(0.25);
      expect(Math.abs((c as number) - (d as number))).toBeLessThan(0.04);
    } finally {
      poller.stop();
    }
  });

  it('takes a rule through pending to firing on the real clock, with the values in the event', async () => {
    svc.setRatio(0.3);
    const store = createConsoleStore('test');
    const thresholds = { ...DEFAULT_THRESHOLDS, critical: { above: 0.05, for: 3000 } };
    const ingest = createIngest({ store, logs: new LogBuffer(10), thresholds });
    const states: string[] = [];
    const poller = prometheusSource(
      { service: 'svc', url: prom.url, selector: '{service="svc"}', intervalMs: 500, backfillMs: 60_000 },
      ingest.sink,
    );
    poller.start();
    try {
      await waitUntil(
        () => {
          ingest.flush();
          const rule = store.getState().signals.svc?.rules.find((r) => r.id === 'error-ratio-critical');
          if (rule && states.at(-1) !== rule.state) states.push(rule.state);
          return rule?.state === 'firing';
        },
        20_000,
        'the critical rule to fire',
      );
    } finally {
      poller.stop();
    }
    expect(states).toEqual(expect.arrayContaining(['pending', 'firing']));
    expect(states.indexOf('pending')).toBeLessThan(states.indexOf('firing'));
    const fired = store
      .getState()
      .incident.events.find((e) => e.kind === 'rule-fired' && e.data.rule === 'error-ratio-critical');
    expect(fired?.data).toMatchObject({ service: 'svc', above: 0.05, forMs: 3000 });
    expect(Number(fired?.kind === 'rule-fired' && fired.data.value)).toBeGreaterThan(0.05);
  });

  it("sees a new version in the service's *_build_info series as a release", async () => {
    const store = createConsoleStore('t');
    const ingest = createIngest({ store, logs: new LogBuffer(10), thresholds: DEFAULT_THRESHOLDS });
    const poller = prometheusSource(
      { service: 'svc', url: prom.url, selector: '{service="svc"}', intervalMs: 500 },
      ingest.sink,
    );
    poller.start();
    const releases = () => store.getState().incident.events.filter((e) => e.kind === 'release');
    try {
      await waitUntil(
        () => {
          ingest.flush();
          return (store.getState().releaseWatch.svc ?? 0) > 0;
        },
        20_000,
        'the first build_info reading',
      );
      expect(releases()).toEqual([]);
      svc.setVersion('1.5.0');
      await waitUntil(
        () => {
          ingest.flush();
          return releases().length > 0;
        },
        30_000,
        'the release from build_info',
      );
    } finally {
      poller.stop();
    }
    expect(releases()[0]?.data).toMatchObject({
      service: 'svc',
      from: '1.4.2',
      to: '1.5.0',
      host: 'prometheus build_info',
    });
  });

  it('`--prometheus URL` finds the services of its request counters, with no configuration', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCli } = await import('../helpers/cli');
    const home = mkdtempSync(join(tmpdir(), 'oc-prom-discovery-'));
    const r = await runCli(['status', '--json', '--sample', '7s', '--prometheus', prom.url], {
      cwd: home,
      env: { XDG_CONFIG_HOME: join(home, 'cfg'), OPSCONSOLE_STATE_DIR: join(home, 'state') },
    });
    expect(r.stderr).toBe('');
    const svcRow = JSON.parse(r.stdout).services.find((x: { service: string }) => x.service === 'svc');
    expect(svcRow.ratioSource).toBe('metrics');
    expect(svcRow.errorRatio['1m']).toBeGreaterThan(0);
    const none = await runCli(['status', '--prometheus', 'http://127.0.0.1:9/'], { cwd: home });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /--prometheus http:\/\/127\.0\.0\.1:9\/: .*\n {2}fix: nothing listens there; start Prometheus, or give the URL it listens on \(the base URL/,
    );
  });

  it('reports unknown, never 0%, when Prometheus cannot be reached', async () => {
    const events: SourceEvent[] = [];
    const poller = prometheusSource({ service: 'svc', url: 'http://127.0.0.1:9', intervalMs: 200 }, (e) =>
      events.push(e),
    );
    poller.start();
    await waitUntil(() => events.some((e) => e.type === 'counters-unknown'), 5000, 'an unknown report');
    poller.stop();
    expect(events.some((e) => e.type === 'counters')).toBe(false);
    const unknown = events.find((e) => e.type === 'counters-unknown');
    expect(unknown?.type === 'counters-unknown' && unknown.reason).toMatch(/ECONNREFUSED/);
  });

  it('`opsconsole status --json` reports the rates, rule states and health from a config', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { execFile } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'oc-status-'));
    const config = join(dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      [
        'environments:',
        '  test:',
        '    services:',
        '      svc:',
        `        metrics: { prometheus: "${prom.url}", selector: '{service="svc"}', interval: 1s }`,
        `        health: ["http://${svc.target}/health"]`,
      ].join('\n'),
    );
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'bin/opsconsole',
        ['status', '--json', '--config', config, '--sample', '3s'],
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe('');
    const json = JSON.parse(out.stdout);
    const s = json.services.find((x: { service: string }) => x.service === 'svc');
    expect(s.ratioSource).toBe('metrics');
    expect(s.errorRatio['1m']).toBeGreaterThan(0.05);
    expect(s.rules.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['error-ratio-critical', 'latency-p95', 'complete-outage']),
    );
    expect(s.health).toMatchObject({ up: 0, total: 1 });
    expect(s.health.targets[0].detail).toBe('HTTP 404');
  });
});
