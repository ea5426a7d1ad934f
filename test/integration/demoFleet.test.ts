import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoEngines } from '../../src/demo/demoEngines';
import { DemoFleet } from '../../src/demo/fleet';
import { parseLine } from '../../src/logs/parseLine';
import { ErrorRateWindow } from '../../src/metrics/errorRateWindow';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { waitUntil } from '../helpers/processes';

describe('demo fleet (real child processes on loopback)', () => {
  const events: SourceEvent[] = [];
  const fleet = new DemoFleet({
    sink: (e) => events.push(e),
    stateDir: mkdtempSync(join(tmpdir(), 'oc-fleet-')),
    badDeployAfterMs: -1,
    requestsPerSecond: 60,
  });
  afterAll(() => fleet.stop());

  const countersSince = (service: string, from: number) => {
    const w = new ErrorRateWindow();
    for (const e of events)
      if (e.type === 'counters' && e.service === service && e.at >= from) w.add(e.at, e.total, e.errors);
    return w;
  };
  const logRecordsSince = (service: string, from: number) =>
    events
      .filter((e) => e.type === 'log-lines' && e.source === service && e.receivedAt >= from)
      .flatMap((e) => (e.type === 'log-lines' ? e.lines : []))
      .map((l, i) => parseLine(l, { source: service, seq: i, receivedAt: 0 }))
      .filter((r) => r.status !== undefined);

  it('starts three services that report status, health and metrics', async () => {
    await fleet.start();
    await waitUntil(
      () =>
        ['gateway', 'api', 'worker'].every((s) =>
          events.some((e) => e.type === 'health' && e.service === s && e.ok),
        ),
      10_000,
      'every service to pass its health check',
    );
    const running = events
      .filter((e) => e.type === 'container' && e.status.state === 'running')
      .map((e) => (e.type === 'container' ? e.status.name : ''));
    expect(new Set(running)).toEqual(new Set(['gateway', 'api', 'worker']));
  });

  it('carries one request id through gateway, api and worker logs', async () => {
    await waitUntil(() => logRecordsSince('worker', 0).length > 20, 10_000, 'worker logs');
    const ids = (s: string) => new Set(logRecordsSince(s, 0).map((r) => r.requestId));
    const shared = [...ids('worker')].filter((id) => ids('api').has(id) && ids('gateway').has(id));
    expect(shared.length).toBeGreaterThan(10);
  });

  it('the bad release drives the api 5xx ratio over 5%, and the ratio from its logs agrees with /metrics', async () => {
    const from = Date.now();
    await fleet.deploy('api', 'v1.5.0', 'test deploy');
    await waitUntil(
      () =>
        countersSince('api', from + 1500).over(60_000).requests > 200 &&
        logRecordsSince('api', from + 1500).length > 200 &&
        events.some((e) => e.type === 'release' && e.to === 'v1.5.0'),
      30_000,
      'the release, and 200 requests to it in its metrics and its logs',
    );
    const fromMetrics = countersSince('api', from + 1500).over(60_000);
    const fromLogs = logRecordsSince('api', from + 1500);
    const logRatio = fromLogs.filter((r) => (r.status ?? 0) >= 500).length / fromLogs.length;
    expect(fromMetrics.requests).toBeGreaterThan(200);
    expect(fromMetrics.ratio).toBeGreaterThan(0.05);
    expect(Math.abs((fromMetrics.ratio as number) - logRatio)).toBeLessThan(
      0.01 + 3 / Math.sqrt(fromLogs.length),
    );
    expect(events.some((e) => e.type === 'release' && e.to === 'v1.5.0' && e.from === 'v1.4.2')).toBe(true);
  });

  it('a rollback restarts the api on v1.4.2 and its ratio falls back under the line', async () => {
    const result = await fleet.rollback('api');
    expect(result).toEqual({ from: 'v1.5.0', to: 'v1.4.2' });
    const from = Date.now();
    await waitUntil(
      () => countersSince('api', from + 1000).over(60_000).requests > 150,
      30_000,
      '150 requests to the rolled-back release',
    );
    const after = countersSince('api', from + 1000).over(60_000);
    expect(after.requests).toBeGreaterThan(150);
    expect(after.ratio).toBeLessThan(0.05);
    await expect(fleet.rollback('worker')).rejects.toThrow(/no earlier release/);
  });

  it('restarts a crashed service and counts the restart', async () => {
    const before = events.filter((e) => e.type === 'container' && e.status.name === 'worker').at(-1);
    const pid = before?.type === 'container' ? before.status.pid : undefined;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    await waitUntil(
      () =>
        events.some(
          (e) =>
            e.type === 'container' &&
            e.status.name === 'worker' &&
            e.status.restarts === 1 &&
            e.status.state === 'running',
        ),
      10_000,
      'the worker to be restarted',
    );
    expect(
      events.some(
        (e) => e.type === 'container' && e.status.name === 'worker' && e.status.state === 'restarting',
      ),
    ).toBe(true);
  });

  it('acts as a container engine: describe, its own lines, stop, start and restart as journaled argv', async () => {
    const engines = demoEngines(() => fleet);
    const detail = await engines.describe('demo', 'gateway');
    expect(detail).toMatchObject({
      name: 'gateway',
      state: 'running',
      labels: [
        ['releases', 'v2.3.1'],
        ['pid', expect.stringMatching(/^\d+$/)],
      ],
    });
    expect(detail.health?.command).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health$/);
    expect((await engines.logs('demo', 'gateway', 5)).length).toBe(5);
    const target = engines.target('demo');
    if (!target) throw new Error('no target for the demo host');
    const run = (verb: string) => target.run(['opsconsole', 'demo', verb, 'gateway'], { timeoutMs: 10_000 });
    expect((await run('stop')).output).toBe('stopped gateway');
    expect(fleet.processes.get('gateway')?.current.state).toBe('stopped');
    expect((await run('stop')).output).toBe('gateway was already stopped: nothing to do');
    expect((await run('start')).output).toBe('started gateway');
    const pid = fleet.processes.get('gateway')?.current.pid;
    expect((await run('restart')).output).toBe('restarted gateway');
    expect(fleet.processes.get('gateway')?.current).toMatchObject({ state: 'running' });
    expect(fleet.processes.get('gateway')?.current.pid).not.toBe(pid);
    await expect(target.run(['sh', '-c', 'true'], { timeoutMs: 1000 })).rejects.toThrow(/not a demo action/);
    expect(engines.target('elsewhere')).toBeUndefined();
  });
});
