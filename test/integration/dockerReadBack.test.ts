import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { followEveryContainer } from '../../src/sources/containerLogFollower';
import { DockerSource } from '../../src/sources/dockerSource';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';

const dockerd = new TestDockerd();
const NAME = 'shop-api-1';

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
    'i=0; while true; do echo "{\\"msg\\":\\"GET /orders\\",\\"n\\":$i,\\"status\\":200}"; i=$((i+1)); sleep 0.05; done',
  );
}, 120_000);

afterAll(async () => {
  await dockerd.stop();
});

describe('a container that logged before the console opened (real Docker engine)', () => {
  it('is read back within the window and the cap, then followed live', async () => {
    // Let it log for a while before anyone looks.
    await waitUntil(
      () => (dockerd.docker('logs', NAME).match(/GET \/orders/g)?.length ?? 0) >= 40,
      30_000,
      'forty lines logged',
    );
    const events: Extract<SourceEvent, { type: 'log-lines' }>[] = [];
    const sink = (e: SourceEvent) => e.type === 'log-lines' && events.push(e);
    const followers = followEveryContainer({ socketPath: dockerd.socket }, sink, {
      windowMs: 60_000,
      maxLines: 25,
    });
    const source = new DockerSource('local', { socketPath: dockerd.socket }, followers.sink);
    source.start();
    try {
      const isMarker = (l: string) => l.startsWith('── ');
      const liveLines = () =>
        events.filter((e) => !e.readBack).flatMap((e) => e.lines.filter((l) => !isMarker(l)));
      await waitUntil(() => liveLines().length > 0, 30_000, 'a live line');
      const readBack = events.filter((e) => e.readBack);
      const lines = readBack.flatMap((e) => e.lines);
      // At most the newest 25 of what it had logged (a line logged while the request was on its
      // way is after the connection, so it comes as live), in order, from well into its log.
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(25);
      const numbers = lines.map((l) => JSON.parse(l).n as number);
      expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] as number) + i));
      expect(numbers[0]).toBeGreaterThanOrEqual(15);
      const firstLive = events.find((e) => !e.readBack && e.times)?.times?.[0] ?? 0;
      for (const t of readBack.flatMap((e) => e.times ?? [])) expect(t).toBeLessThanOrEqual(firstLive);
      // Live lines carry on from the last read back: none lost between the two, none twice.
      const live = liveLines().map((l) => JSON.parse(l).n);
      expect(live[0]).toBe((numbers.at(-1) as number) + 1);
      // The window held more than the cap: said once, after what was read back.
      const markers = events.flatMap((e) => e.lines.filter(isMarker));
      if (lines.length === 25)
        expect(markers).toEqual([
          expect.stringMatching(
            /^── shop-api-1: read back the newest 25 lines \(history\.maxLines\); what it logged in the window before \d\d:\d\d:\d\dZ was not read ──$/,
          ),
        ]);
      else expect(markers).toEqual([]);
    } finally {
      followers.stop();
      source.stop();
    }
  }, 60_000);
});
