import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/logs/parseLine';
import { PatternIndex } from '../../src/logs/patterns/patternIndex';
import { createConsoleStore } from '../../src/store/consoleStore';
import { patternRows, patternsInMode } from '../../src/store/patternRows';

const T0 = Date.UTC(2026, 11, 3, 3, 0, 0);
const add = (index: PatternIndex, t: number, msg: string, level = 'info') =>
  index.add(
    parseLine(JSON.stringify({ time: new Date(t).toISOString(), level, msg }), {
      source: 'api',
      seq: 0,
      receivedAt: t,
    }),
  );

describe('spiking, against the history the console has', () => {
  it('a real rise over a steady half hour spikes; the same rate throughout does not', () => {
    const index = new PatternIndex();
    const now = T0 + 40 * 60_000;
    for (let m = 0; m < 35; m++)
      for (let i = 0; i < 2; i++) add(index, T0 + m * 60_000 + i * 1000, `queue depth ${i}`);
    for (let m = 35; m < 40; m++)
      for (let i = 0; i < 20; i++) add(index, T0 + m * 60_000 + i * 1000, `queue depth ${i}`);
    for (let m = 0; m < 40; m++)
      for (let i = 0; i < 5; i++) add(index, T0 + m * 60_000 + i * 1000, `health check ok`);
    const store = createConsoleStore('test', now);
    const rows = patternRows(index.all(), store.getState());
    expect(rows.map((r) => [r.template, r.spiking])).toEqual([
      ['queue depth <*>', true],
      ['health check ok', false],
    ]);
  });
});

describe('the patterns view', () => {
  it('keeps its rows in place while the operator moves through them; new ones join at the end', () => {
    const index = new PatternIndex();
    const store = createConsoleStore('test', T0 + 10_000);
    store.setState((s) => ({ ui: { ...s.ui, view: 'patterns', patternMode: 'all' } }));
    for (let i = 0; i < 5; i++) add(index, T0 + i, 'a happens');
    for (let i = 0; i < 3; i++) add(index, T0 + i, 'b happens');
    add(index, T0, 'c happens');
    const first = patternsInMode(index, store.getState()).map((r) => r.template);
    expect(first).toEqual(['a happens', 'b happens', 'c happens']);
    // c becomes the most frequent, and a new template appears: by count the order would change.
    for (let i = 0; i < 20; i++) add(index, T0 + 100 + i, 'c happens');
    add(index, T0 + 200, 'd happens');
    store.setState({ now: T0 + 12_000 });
    expect(patternsInMode(index, store.getState()).map((r) => r.template)).toEqual([
      'a happens',
      'b happens',
      'c happens',
      'd happens',
    ]);
    // Closed and opened again: the current order.
    store.setState((s) => ({ now: T0 + 13_000, ui: { ...s.ui, view: 'dashboard' } }));
    patternsInMode(index, store.getState());
    store.setState((s) => ({ now: T0 + 14_000, ui: { ...s.ui, view: 'patterns' } }));
    expect(patternsInMode(index, store.getState())[0]?.template).toBe('c happens');
  });
});
