import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, SourceEvent } from '../../src/model/sourceEvents';
import { commandStatusSource } from '../../src/sources/commandStatusSource';
import { localTarget } from '../../src/transport/localCommand';
import { waitUntil } from '../helpers/processes';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'status');

/** Runs a real command (cat of a captured tool output) through the status source. */
async function statuses(mapping: 'kubectl-pods' | 'pm2', file: string) {
  const events: SourceEvent[] = [];
  const poller = commandStatusSource(
    { host: 'h', argv: ['cat', join(FIXTURES, file)], mapping, target: localTarget, intervalMs: 60_000 },
    (e) => events.push(e),
  );
  poller.start();
  await waitUntil(() => events.some((e) => e.type === 'source'), 5000, 'a status reading');
  poller.stop();
  return new Map(
    events
      .filter((e): e is { type: 'container'; status: ContainerStatus } => e.type === 'container')
      .map((e) => [e.status.name, e.status]),
  );
}

describe('status from commands, for hosts without Docker', () => {
  it('maps kubectl get pods -o json', async () => {
    const pods = await statuses('kubectl-pods', 'kubectl-pods.json');
    expect(pods.get('api-7d9c-abcde')).toMatchObject({
      state: 'restarting',
      health: 'unhealthy',
      restarts: 7,
      exitCode: 3,
      version: 'v1.5.0',
      kind: 'command',
    });
    expect(pods.get('worker-5f6b-xyz12')).toMatchObject({ state: 'running', health: 'healthy', restarts: 0 });
  });

  it('maps pm2 jlist', async () => {
    const procs = await statuses('pm2', 'pm2-jlist.json');
    expect(procs.get('api')).toMatchObject({
      state: 'running',
      restarts: 2,
      version: '1.4.2',
      cpuPercent: 12.5,
      memoryBytes: 73400320,
      // What the rollback needs to know: pm2 runs it, from this checkout.
      deployedBy: { kind: 'pm2', evidence: 'pm2 runs api', params: { appDir: '/srv/api' } },
    });
    expect(procs.get('mailer')).toMatchObject({ state: 'exited', restarts: 15, exitCode: 1 });
  });

  it('reports a failing command as a source problem, not as an empty fleet', async () => {
    const events: SourceEvent[] = [];
    const poller = commandStatusSource(
      { host: 'h', argv: ['false'], mapping: 'pm2', target: localTarget, intervalMs: 60_000 },
      (e) => events.push(e),
    );
    poller.start();
    await waitUntil(() => events.length > 0, 5000, 'a report');
    poller.stop();
    expect(events[0]).toMatchObject({ type: 'source', state: 'reconnecting' });
    expect(events.some((e) => e.type === 'container')).toBe(false);
  });
});
