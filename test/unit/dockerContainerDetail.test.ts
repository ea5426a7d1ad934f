import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  containerDetailFromInspect,
  type InspectDetail,
} from '../../src/sources/mappings/dockerContainerDetail';
import { type DockerEventLike, dockerDetailEvents } from '../../src/sources/mappings/dockerEvent';
import { containerDetailLines } from '../../views/ContainerDetail';

/** `GET /containers/{id}/json` answers recorded from a real engine (see the fixture files). */
const recorded = (name: string) =>
  JSON.parse(readFileSync(join('test', 'fixtures', 'docker', name), 'utf8')) as InspectDetail;

describe('a Docker inspect document as the describe view', () => {
  it('an unhealthy container: its check, its last runs, limits, mounts, labels, restart policy', () => {
    const d = containerDetailFromInspect('local', recorded('inspect-unhealthy.json'));
    expect(d).toMatchObject({
      name: 'shop-api-1',
      host: 'local',
      image: 'opsbox:1.0.0',
      state: 'running',
      oomKilled: false,
      restarts: 0,
      restartPolicy: 'on-failure:3',
      limits: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5 },
      ports: [],
    });
    expect(d.exitCode).toBeUndefined();
    expect(d.finishedAt).toBeUndefined();
    expect(d.health).toMatchObject({
      status: 'unhealthy',
      failingStreak: 4,
      command: 'echo checking; false',
    });
    expect(d.health?.runs.map((r) => [r.exitCode, r.output])).toEqual(Array(4).fill([1, 'checking']));
    expect(d.mounts).toEqual([expect.stringMatching(/\/vol → \/data \(read-only\)$/)]);
    expect(d.labels.map(([k]) => k)).toEqual([
      'com.docker.compose.project',
      'com.docker.compose.service',
      'note',
    ]);
  });

  it('an exited container: its exit code and when, no health, no policy', () => {
    const d = containerDetailFromInspect('box', recorded('inspect-exited.json'));
    expect(d).toMatchObject({ name: 'oom-1', state: 'exited', exitCode: 137, oomKilled: false, labels: [] });
    expect(d.finishedAt).toBe(Date.parse('2026-12-02T18:55:15.822Z'));
    expect(d.health).toBeUndefined();
    expect(d.restartPolicy).toBeUndefined();
    expect(containerDetailLines(d)[0]).toMatch(/^state: exited, exit 137 \(SIGKILL\), at \d\d:\d\d:\d\d$/);
  });

  it('keeps what the container author wrote inert: labels, check output, an engine error', () => {
    const doc = recorded('inspect-unhealthy.json');
    const hostile = '\u001b]0;pwned\u0007\u001b[2J';
    const d = containerDetailFromInspect('local', {
      ...doc,
      Config: { ...doc.Config, Labels: { [`k${hostile}`]: `v${hostile}` } },
      State: {
        ...doc.State,
        Error: `boom${hostile}`,
        Health: {
          Status: 'unhealthy',
          FailingStreak: 1,
          Log: [{ Start: '2026-12-02T18:55:16Z', ExitCode: 1, Output: `x${hostile}\ny` }],
        },
      },
    });
    const text = containerDetailLines(d).join('\n');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('y');
  });
});

describe("a container's engine events as the describe view lists them", () => {
  /** `GET /events` of a real engine: a container unhealthy from its first check, killed, started again. */
  const recordedEvents = readFileSync(join('test', 'fixtures', 'docker', 'events-killed.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as DockerEventLike);

  it('keeps the lifecycle and health changes, not every health check run, and says how it died', () => {
    const events = dockerDetailEvents(recordedEvents);
    expect(events.map((e) => [e.reason, e.message, e.warning])).toEqual([
      ['create', '', false],
      ['start', '', false],
      ['health_status', 'unhealthy', true],
      ['kill', 'sent SIGKILL', true],
      ['die', 'exited 137 (SIGKILL)', true],
      ['start', '', false],
      ['health_status', 'unhealthy', true],
    ]);
    expect(events[0]?.at).toBe(Math.floor((recordedEvents[0]?.timeNano ?? 0) / 1e6));
  });

  it('folds repeats in a row into one line with a count', () => {
    const unhealthy = recordedEvents.find((e) => e.Action === 'health_status: unhealthy') as DockerEventLike;
    const events = dockerDetailEvents([unhealthy, unhealthy, unhealthy]);
    expect(events.map((e) => [e.reason, e.count])).toEqual([['health_status', 3]]);
  });
});
