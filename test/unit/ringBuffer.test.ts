import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { LogRecord } from '../../src/logs/logRecord';
import { parseLine } from '../../src/logs/parseLine';
import { RingBuffer } from '../../src/logs/ringBuffer';
import { visibleLogLines } from '../../src/logs/visibleLogLines';

describe('RingBuffer', () => {
  it('keeps the newest entries up to capacity and counts evictions', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.evicted).toBe(2);
    expect(r.tail(2)).toEqual([4, 5]);
    expect(r.tail(2, 1)).toEqual([3, 4]);
    expect(r.at(0)).toBe(3);
    expect(r.at(3)).toBeUndefined();
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });

  it('counts evictions per source in the log buffer', () => {
    const b = new LogBuffer(2);
    const rec = (source: string) => ({
      seq: b.takeSeq(),
      source,
      time: 0,
      timeFromLine: false,
      message: '',
      text: '',
    });
    b.push(rec('a'));
    b.push(rec('b'));
    b.push(rec('b'));
    expect(b.evictedBySource.get('a')).toBe(1);
    expect(b.receivedBySource.get('b')).toBe(2);
    expect(b.ring.toArray().map((r) => r.source)).toEqual(['b', 'b']);
  });
});

describe('the lines a paused log pane shows', () => {
  const ring = new RingBuffer<LogRecord>(10);
  for (let seq = 0; seq < 30; seq++)
    ring.push(parseLine(`line ${seq}`, { source: 'api', seq, receivedAt: 1_000 + seq }));

  it('ends at the paused line while it is held', () => {
    expect(visibleLogLines(ring, 3, 25).map((r) => r.text)).toEqual(['line 23', 'line 24', 'line 25']);
  });

  it('shows the oldest lines still held once the paused line has been evicted, never an empty pane', () => {
    expect(visibleLogLines(ring, 3, 5).map((r) => r.text)).toEqual(['line 20', 'line 21', 'line 22']);
  });
});
