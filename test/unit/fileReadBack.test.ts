import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { FileFollower } from '../../src/sources/fileFollower';
import { readBackOffset } from '../../src/sources/fileReadBack';
import { waitUntil } from '../helpers/processes';

const dir = mkdtempSync(join(tmpdir(), 'oc-readback-'));
const NOW = Date.now();

/** One line a second for `seconds`, ending now: `<ISO time> INFO GET /orders status=… n=…`. */
/** `count` lines, `stepMs` apart, the last one `stepMs` before NOW. */
function writeLog(
  name: string,
  count: number,
  line = (at: number, i: number) =>
    `${new Date(at).toISOString()} INFO GET /orders status=${i % 5 === 0 ? 503 : 200} n=${i}`,
  stepMs = 1000,
) {
  const path = join(dir, name);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(line(NOW - (count - i) * stepMs, i));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const followers: FileFollower[] = [];
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
});

function follow(path: string, readBack: { windowMs: number; maxLines: number }) {
  const events: Extract<SourceEvent, { type: 'log-lines' }>[] = [];
  const f = new FileFollower(path, 'api', (e) => e.type === 'log-lines' && events.push(e), {
    readBack,
    pollMs: 20,
  });
  followers.push(f);
  f.start();
  return events;
}

describe('reading a log file back from a time', () => {
  it('finds where the window begins in a long file with a few reads', () => {
    const path = writeLog('long.log', 4 * 3600);
    const fd = openSync(path, 'r');
    try {
      const since = NOW - 30 * 60_000;
      const offset = readBackOffset(fd, statSync(path).size, since);
      const rest = Buffer.alloc(statSync(path).size - offset);
      readSync(fd, rest, 0, rest.length, offset);
      const times = rest
        .toString()
        .trim()
        .split('\n')
        .map((l) => Date.parse(l.slice(0, 24)));
      // It starts at the window's first line: none older, none of the window missed.
      expect(Number.isFinite(times[0])).toBe(true);
      expect(times[0]).toBeGreaterThanOrEqual(since);
      expect(times.filter((t) => t < since)).toEqual([]);
      expect(times.filter((t) => t >= since).length).toBe(30 * 60);
    } finally {
      closeSync(fd);
    }
  });

  it('reads the window back as read-back lines, then follows what is written after', async () => {
    const path = writeLog('window.log', 3600);
    const events = follow(path, { windowMs: 30 * 60_000, maxLines: 20_000 });
    appendFileSync(path, `${new Date().toISOString()} INFO live line\n`);
    await waitUntil(() => events.some((e) => !e.readBack), 5000, 'the live line');
    const readBack = events.filter((e) => e.readBack).flatMap((e) => e.lines);
    expect(readBack.length).toBeGreaterThanOrEqual(30 * 60 - 1);
    expect(readBack.length).toBeLessThanOrEqual(30 * 60 + 1);
    expect(readBack.at(-1)).toContain(`n=${3600 - 1}`);
    expect(events.filter((e) => !e.readBack).flatMap((e) => e.lines)).toEqual([
      expect.stringContaining('live line'),
    ]);
  });

  it('reads a small file back from its window, not whole (40 minutes of lines, a 30-minute window)', async () => {
    // Python's json.dumps writes `"time": "…"`, with a space: a time is still a time.
    const path = writeLog(
      'small.log',
      400,
      (at, i) => `{"time": "${new Date(at).toISOString()}", "n": ${i}}`,
      6000,
    );
    const events = follow(path, { windowMs: 30 * 60_000, maxLines: 20_000 });
    await waitUntil(() => events.length > 0, 5000, 'the read-back lines');
    const lines = events.filter((e) => e.readBack).flatMap((e) => e.lines);
    expect(lines.length).toBeGreaterThanOrEqual(299);
    expect(lines.length).toBeLessThanOrEqual(301);
    expect(lines.at(-1)).toContain('"n": 399');
  });

  it('keeps the newest lines when the window holds more than its cap', async () => {
    const path = writeLog('capped.log', 3600);
    const events = follow(path, { windowMs: 3600_000 + 5000, maxLines: 100 });
    await waitUntil(() => events.length > 0, 5000, 'the read-back lines');
    const lines = events.filter((e) => e.readBack).flatMap((e) => e.lines);
    expect(lines).toHaveLength(100);
    expect(lines[0]).toContain(`n=${3600 - 100}`);
    // And says so, after them: the window's older part is missing from the rates.
    expect(events.filter((e) => !e.readBack).flatMap((e) => e.lines)).toEqual([
      `── api: read back the newest 100 lines (history.maxLines); what it logged in the window before ${new Date(NOW - 100_000).toISOString().slice(11, 19)}Z was not read ──`,
    ]);
  });

  it('reads nothing back from a file whose lines carry no time', async () => {
    const path = writeLog('untimed.log', 600, (_, i) => `GET /orders ${i}`);
    const events = follow(path, { windowMs: 30 * 60_000, maxLines: 20_000 });
    appendFileSync(path, 'written after\n');
    await waitUntil(() => events.length > 0, 5000, 'the line written after');
    expect(events.flatMap((e) => e.lines)).toEqual(['written after']);
  });
});
