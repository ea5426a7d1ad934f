import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { TimelineEntry } from '../../src/model/incident';
import { IncidentSession } from '../../src/session/incidentSession';
import { followEveryContainer } from '../../src/sources/containerLogFollower';
import { DockerSource } from '../../src/sources/dockerSource';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';

const dockerd = new TestDockerd();
const stateDir = mkdtempSync(join(tmpdir(), 'oc-dead-'));
const NAME = 'shop-api-1';
const LINK = `docker-logs:${NAME}`;

/** The console's path from a real engine to the journal: Docker source, log followers, ingest, incident. */
function console_() {
  const store = createConsoleStore('test', Date.now());
  const logs = new LogBuffer(5000);
  let timeline: TimelineEntry[] = [];
  const incident = new IncidentSession(new IncidentRepository(stateDir, 'op@test'), [], (_a, t) => {
    timeline = t;
  });
  const ingest = createIngest({
    store,
    logs,
    thresholds: DEFAULT_THRESHOLDS,
    reorderWindowMs: 0,
    onNotable: (events) => incident.observe(events),
  });
  const followers = followEveryContainer({ socketPath: dockerd.socket }, ingest.sink);
  const source = new DockerSource('local', { socketPath: dockerd.socket }, followers.sink);
  return {
    store,
    logs,
    incident,
    ingest,
    timeline: () => timeline,
    lines: (text: string) => logs.ring.toArray().filter((r) => r.text.includes(text)).length,
    link: () => store.getState().sources[LINK],
    start: () => {
      ingest.start();
      source.start();
    },
    stop: () => {
      followers.stop();
      source.stop();
      ingest.stop();
      incident.close();
    },
  };
}

describe('a container that dies is a state, not a link to reconnect to (real Docker engine)', () => {
  const c = console_();

  beforeAll(async () => {
    await dockerd.start();
    dockerd.buildImage();
    dockerd.docker(
      'run',
      '-d',
      '--name',
      NAME,
      '--network',
      'none',
      TEST_IMAGE,
      'sh',
      '-c',
      'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done',
    );
    c.incident.declare('api 5xx', 'P1');
    c.start();
  }, 120_000);

  afterAll(async () => {
    c.stop();
    await dockerd.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('after docker kill the follower waits for a start, then follows again; one entry at most, no flood', async () => {
    await waitUntil(
      () => c.lines('tick 3') > 0 && c.link()?.state === 'connected',
      30_000,
      'the first lines',
    );
    dockerd.docker('kill', NAME);
    await waitUntil(
      () => c.link()?.state === 'stopped' && /exited/.test(c.link()?.reason ?? ''),
      30_000,
      `${LINK} to say the container exited`,
    );
    expect(c.link()?.reason).toMatch(/^the container exited \(exit 137\); following again when it starts$/);
    const before = c.lines('tick 0');
    dockerd.docker('start', NAME);
    // The restarted container prints "tick 0" again: the follower picked it up without a retry loop.
    await waitUntil(
      () => c.lines('tick 0') > before && c.link()?.state === 'connected',
      30_000,
      'lines of the restarted container',
    );
    const linkRows = c.timeline().filter((e) => e.text.includes(LINK));
    expect(linkRows.length).toBeLessThanOrEqual(1);
    const containerRows = c.timeline().filter((e) => e.kind === 'container.state');
    expect(containerRows.length).toBeGreaterThanOrEqual(1);
    // No "connection lost and resumed" marker: a restart is not a gap in a link.
    expect(c.lines('connection lost and resumed')).toBe(0);
    const path = c.incident.exportDraft(stateDir);
    if (!path) throw new Error('no draft written');
    const draft = readFileSync(path, 'utf8');
    const draftRows = draft.split('\n').filter((l) => l.startsWith('| ') && l.includes(LINK));
    expect(draftRows.length).toBeLessThanOrEqual(1);
    const events = c.store.getState().incident.events.filter((e) => e.kind === 'source');
    expect(events.length).toBeLessThanOrEqual(1);
  }, 120_000);
});
