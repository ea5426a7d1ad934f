import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/demo/freePort';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { healthCheckSource, readHealth } from '../../src/sources/healthCheckSource';
import { waitUntil } from '../helpers/processes';

/** Real servers that misbehave the ways production ones do. */
const behaviours: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/ok': (res) => res.end(JSON.stringify({ status: 'ok', version: 'v1.4.2', errorRate: 0.002 })),
  '/slow': (res) => setTimeout(() => res.end('{"status":"ok"}'), 3000),
  '/hang': () => {},
  '/500': (res) => {
    res.statusCode = 500;
    res.end('{"status":"error"}');
  },
  '/garbage': (res) => res.end('<html>\u001b]0;pwn\u0007 definitely not json'),
  '/says-down': (res) => res.end(JSON.stringify({ health: { state: 'DEGRADED' } })),
  '/close': (res) => res.socket?.destroy(),
  '/huge': (res) => res.end('x'.repeat(1024 * 1024)),
};

describe('health checks against real servers', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => behaviours[req.url ?? '']?.(res));
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  async function check(path: string, options: Partial<Parameters<typeof healthCheckSource>[0]> = {}) {
    const events: SourceEvent[] = [];
    const poller = healthCheckSource(
      // A deadline only the slow cases are meant to meet: a loaded machine must not fail the rest.
      { service: 's', url: `${base}${path}`, timeoutMs: 10_000, intervalMs: 60_000, ...options },
      (e) => events.push(e),
    );
    poller.start();
    await waitUntil(() => events.length > 0, 15_000, `a health result for ${path}`);
    poller.stop();
    const e = events[0];
    if (e?.type !== 'health') throw new Error('expected a health event');
    return e;
  }

  it('reads status, version and error rate from a healthy JSON body', async () => {
    expect(await check('/ok')).toMatchObject({
      ok: true,
      httpStatus: 200,
      version: 'v1.4.2',
      errorRate: 0.002,
    });
  });

  it.each([
    ['/slow', /within 800ms/, 800],
    ['/hang', /within 800ms/, 800],
    ['/500', /HTTP 500/, undefined],
    ['/close', /ECONNRESET|socket|closed/i, undefined],
    ['/huge', /larger than/, undefined],
  ])('marks %s down with the reason (a deadline, not a hang)', async (path, reason, timeoutMs) => {
    const e = await check(path, timeoutMs ? { timeoutMs } : {});
    expect(e.ok).toBe(false);
    expect(e.error).toMatch(reason);
  });

  it('judges a non-JSON 200 by its status code and keeps its text inert', async () => {
    const e = await check('/garbage');
    expect(e.ok).toBe(true);
    expect(JSON.stringify(e)).not.toContain('\u001b');
  });

  it('follows a mapped status field in the body', async () => {
    const e = await check('/says-down', { fields: { status: 'health.state' } });
    expect(e).toMatchObject({ ok: false, error: 'status "DEGRADED"' });
  });

  it('reads percentages as ratios', () => {
    expect(readHealth(200, '{"errorRate": 7.5}').errorRate).toBeCloseTo(0.075);
  });
});
