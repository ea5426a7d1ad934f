import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whereParted } from '../../src/export/practiceComparison';
import { parseLine } from '../../src/logs/parseLine';
import { decodeRecording, encodeRecording, RecordingFormatError } from '../../src/logstore/recordingFile';
import { keepRange, keptRanges, readEvents, releaseRange } from '../../src/logstore/recordingStore';
import { toStoredLine } from '../../src/logstore/storedLine';
import { openStoreForWriting, storePath } from '../../src/logstore/storeFile';
import { StoreReader } from '../../src/logstore/storeReader';
import { StoreWriter } from '../../src/logstore/storeWriter';
import { RECORDING_FORMAT, type RecordedEvent, type Recording } from '../../src/model/recording';
import { signalItems } from '../../src/session/replay/signalItems';

const T0 = Date.UTC(2026, 11, 3, 3, 0, 0);

/** A recording of `minutes`: a line and a container event every second, a note each minute. */
function recording(minutes: number): Recording {
  const lines = [];
  const events: RecordedEvent[] = [];
  for (let s = 0; s < minutes * 60; s++) {
    const text = JSON.stringify({
      time: new Date(T0 + s * 1000).toISOString(),
      level: 'info',
      msg: `tick ${s}`,
    });
    lines.push(toStoredLine(parseLine(text, { source: 'api', seq: s, receivedAt: T0 + s * 1000 })));
    events.push({ t: T0 + s * 1000 + 1, e: { type: 'container-removed', id: `c${s}` } });
  }
  return {
    header: {
      format: RECORDING_FORMAT,
      writer: 'test',
      incident: 'inc-test',
      environment: 'prod',
      from: T0,
      to: T0 + minutes * 60_000,
      createdAt: T0,
    },
    journal: [],
    lines,
    events,
  };
}

describe('a recording file', () => {
  it('round-trips, and a damaged frame keeps what precedes it and says where it broke', () => {
    const rec = recording(5);
    const bytes = encodeRecording(rec);
    const back = decodeRecording(bytes, 'x');
    expect(back.lines).toEqual(rec.lines);
    expect(back.events).toEqual(rec.events);
    expect(back.damage).toBeUndefined();
    // A byte flipped two thirds of the way in: the minutes before its frame still play.
    const damaged = Buffer.from(bytes);
    const at = Math.floor(damaged.length * 0.66);
    damaged[at] = (damaged[at] as number) ^ 0xff;
    const partial = decodeRecording(damaged, 'x');
    expect(partial.damage).toMatch(
      /^damaged at byte \d+ \(frame \d+: its checksum does not match\); what was recorded up to 2026-12-03T03:0\d:59\.999Z is played$/,
    );
    expect(partial.lines.length).toBeGreaterThan(60);
    expect(partial.lines.length).toBeLessThan(rec.lines.length);
    expect(partial.lines).toEqual(rec.lines.slice(0, partial.lines.length));
    // Cut short: the same.
    expect(decodeRecording(bytes.subarray(0, bytes.length - 10), 'x').damage).toMatch(
      /the file ends inside a frame/,
    );
  });

  it('refuses a newer format with the version that wrote it, and what is not a recording', () => {
    const rec = recording(1);
    const newer = encodeRecording({
      ...rec,
      header: { ...rec.header, format: RECORDING_FORMAT + 1, writer: '9.0.0' },
    });
    expect(() => decodeRecording(newer, 'new.opsrec')).toThrow(
      /new\.opsrec was written by opsconsole 9\.0\.0 \(recording format 2\); this one reads up to format 1/,
    );
    expect(() => decodeRecording(Buffer.from('{"not":"a recording"}'), 'x.json')).toThrow(
      RecordingFormatError,
    );
  });

  it('gives back a stack trace stored whole as its lines, for the ingest to join again', () => {
    const text = 'Traceback (most recent call last):\n  File "app.py", line 3\nKeyError: x';
    const rec = recording(0);
    // As the joiner keeps it: the first line's fields, the whole text with its line breaks.
    const first = parseLine('Traceback (most recent call last):', { source: 'api', seq: 1, receivedAt: T0 });
    rec.lines = [toStoredLine({ ...first, text, lines: 3 })];
    const [item] = signalItems(rec).items;
    expect(item?.event).toMatchObject({ type: 'log-lines', source: 'api', lines: text.split('\n') });
  });

  it('leaves out an event the ingest could not take, and counts it', () => {
    const rec = recording(0);
    rec.events = [
      { t: T0, e: { type: 'container-removed', id: 'c1' } },
      { t: T0, e: { type: 'container', status: null } } as never,
      { t: T0, e: { type: 'alerts', at: T0, alerts: [{ name: 1 }] } } as never,
      { t: 'soon', e: { type: 'container-removed', id: 'c2' } } as never,
    ];
    const { items, unreadableEvents } = signalItems(rec);
    expect(items.map((i) => i.event)).toEqual([{ type: 'container-removed', id: 'c1' }]);
    expect(unreadableEvents).toBe(3);
  });
});

describe('the store keeps a recording', () => {
  it('stores events by time and passes over an incident kept from eviction', () => {
    const path = storePath(join(mkdtempSync(join(tmpdir(), 'rec-store-')), 'state'), 'prod');
    const { db } = openStoreForWriting(path);
    const writer = new StoreWriter(db, { budgetBytes: 1e9, blockLines: 100, mergeAfterMs: 60_000 });
    const rec = recording(20);
    const reader = new StoreReader(db);
    for (let m = 0; m < 20; m++) {
      writer.append(
        rec.lines.slice(m * 60, (m + 1) * 60).map((l, i) => ({
          ...parseLine((l as string[])[6] as string, { source: 'api', seq: i, receivedAt: T0 }),
        })),
      );
      writer.appendEvents(rec.events.slice(m * 60, (m + 1) * 60));
    }
    expect(readEvents(db, T0 + 60_000, T0 + 120_000 - 1).events).toHaveLength(60);
    // Minutes 5 to 7 are an incident's: a budget too small for anything keeps them whole.
    keepRange(db, { incident: 'inc-a', from: T0 + 5 * 60_000, to: T0 + 7 * 60_000 - 1 });
    expect(keptRanges(db)).toEqual([{ incident: 'inc-a', from: T0 + 5 * 60_000, to: T0 + 7 * 60_000 - 1 }]);
    const tight = new StoreWriter(db, { budgetBytes: 1, blockLines: 100, mergeAfterMs: 60_000 });
    expect(tight.keepWithinBudget()).toBeGreaterThan(0);
    const left = [...reader.lines()].map((r) => r.time);
    expect(Math.min(...left)).toBe(T0 + 5 * 60_000);
    expect(Math.max(...left)).toBe(T0 + 7 * 60_000 - 1000);
    expect(readEvents(db, T0, T0 + 20 * 60_000).events).toHaveLength(120);
    // Let go, it goes too.
    expect(releaseRange(db, 'inc-a')).toBe(true);
    tight.keepWithinBudget();
    expect([...reader.lines()]).toHaveLength(0);
    expect(readEvents(db, T0, T0 + 20 * 60_000).events).toHaveLength(0);
  });
});

describe('a practice path beside the real one', () => {
  it('says where two decision paths part', () => {
    const real = [
      { node: 'degraded', answer: 'yes' },
      { node: 'rollback-trigger', answer: 'yes' },
    ];
    expect(whereParted(real, real)).toBe('the same decision path');
    expect(whereParted(real, [real[0] as (typeof real)[0], { node: 'rollback-trigger', answer: 'no' }])).toBe(
      'at rollback-trigger: you answered no, the real responders yes',
    );
    expect(whereParted(real, real.slice(0, 1))).toBe(
      'you stopped before rollback-trigger, which the real responders answered yes',
    );
    expect(whereParted(real, [{ node: 'outage', answer: 'no' }])).toBe(
      'after 0 shared answers you were asked outage, the real responders degraded',
    );
  });
});
