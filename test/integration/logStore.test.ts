import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePath } from '../../src/logstore/storeFile';
import type { EventSink } from '../../src/model/sourceEvents';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { BIN } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

const SERVICES = ['gateway', 'api', 'worker'];
const FILLER = 100_000;
let session: ConsoleSession;
let sink: EventSink;
let stateDir: string;
const t0 = Date.now() - 10 * 60_000;

/** A request's line in one service, `ms` after t0. */
const line = (service: string, rid: string, ms: number, status = 200) =>
  JSON.stringify({
    service,
    time: new Date(t0 + ms).toISOString(),
    level: status >= 500 ? 'error' : 'info',
    msg: 'request completed',
    request_id: rid,
    status,
  });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'oc-logstore-'));
  session = startConsoleSession(
    bareSessionOptions('shop', stateDir, {
      logStore: { path: storePath(stateDir, 'shop'), budgetBytes: 1024 ** 3 },
      startSources: async (s) => {
        sink = s;
        return { stop: async () => {} };
      },
    }),
  );
  await waitUntil(() => sink !== undefined, 10_000, 'the sources started');
});

afterAll(async () => {
  await session.stop();
});

describe('the console remembers every line it has seen', () => {
  it('pivots on a request first seen 100,000 lines ago and gets every service’s lines for it, with the delays', async () => {
    // The request that matters, through three services, then a flood that pushes it far out of the ring.
    for (const [i, s] of SERVICES.entries())
      sink({
        type: 'log-lines',
        source: s,
        lines: [line(s, 'req-7f3a', i * 40, i === 1 ? 503 : 200)],
        receivedAt: Date.now(),
      });
    for (let i = 0; i < FILLER; i += 5000) {
      const source = SERVICES[(i / 5000) % 3] as string;
      const lines = Array.from({ length: 5000 }, (_, j) => line(source, `req-${i + j}`, 1000 + i + j));
      sink({ type: 'log-lines', source, lines, receivedAt: Date.now() });
      await new Promise((r) => setImmediate(r));
    }
    const store = session.logStore;
    if (!store) throw new Error('the session keeps no store');
    await waitUntil(() => store.snapshot().stored === FILLER + 3, 60_000, 'every line stored');
    // Long gone from the ring.
    expect(session.logs.ring.toArray().some((r) => r.requestId === 'req-7f3a')).toBe(false);
    // As an operator would: `/`, the filter, Enter.
    const press = (key: string, text = key.length === 1 ? key : '') => session.controls.dispatch(key, text);
    press('/');
    session.controls.dispatch(undefined, 'rid:req-7f3a');
    press('return');
    await waitUntil(
      () => session.store.getState().ui.logHistory?.searching === false,
      20_000,
      'the store answered the filter',
    );
    const history = session.store.getState().ui.logHistory;
    expect(history?.lines.map((r) => [r.source, r.time - t0, r.status])).toEqual([
      ['gateway', 0, 200],
      ['api', 40, 503],
      ['worker', 80, 200],
    ]);
    // Every line is accounted for: received = stored + already stored + dropped + on its way.
    const c = store.snapshot();
    expect(c.received).toBe(
      c.stored + c.alreadyStored + c.inFlight + Object.values(c.dropped).reduce((a, b) => a + b, 0),
    );
    expect(c.dropped).toEqual({ behind: 0, 'disk-full': 0, error: 0, unavailable: 0 });
  });

  it('answers the CLI from the same store while the console writes to it', () => {
    const env = { ...process.env, OPSCONSOLE_STATE_DIR: stateDir };
    const out = execFileSync(
      BIN,
      ['logs', '--stored', '--env', 'shop', '--request-id', 'req-7f3a', '--json'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).source),
    ).toEqual(SERVICES);
    const errors = execFileSync(BIN, ['logs', '--stored', '--level', 'error'], { env, encoding: 'utf8' });
    expect(errors.trim().split('\n')).toEqual([expect.stringMatching(/^api: .*req-7f3a.*503/)]);
    // The pane's language, as typed there.
    const typed = execFileSync(
      BIN,
      ['logs', '--stored', '--filter', 'src:api,worker rid:req-7f3a -"status":200'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(typed.trim().split('\n')).toEqual([expect.stringMatching(/^api: .*503/)]);
    const bad = spawnSync(BIN, ['logs', '--stored', '--filter', 'level:loud'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^opsconsole: --filter: level must be one of trace, debug, info, warn, error, fatal\n {2}fix: /,
    );
  });

  it('puts a pivoted request’s whole trail on the incident’s record, and the draft shows it with its delays', async () => {
    session.incident.declare('checkout failing', 'P2');
    const setQuery = (logQuery: string) => session.store.setState((st) => ({ ui: { ...st.ui, logQuery } }));
    setQuery('');
    setQuery('rid:req-7f3a');
    await waitUntil(
      () => session.store.getState().incident.timeline.some((e) => e.kind === 'log.trail'),
      20_000,
      'the trail recorded',
    );
    const path = session.incident.exportDraft(stateDir) as string;
    const draft = readFileSync(path, 'utf8');
    expect(draft).toContain('- Request req-7f3a (pivoted), 3 lines through the services:');
    expect(draft).toMatch(/ \+0ms gateway: .*req-7f3a/);
    expect(draft).toMatch(/ \+40ms api: .*503/);
    expect(draft).toMatch(/ \+80ms worker: .*req-7f3a/);
  });

  it('scrolls back past the ring into the store, to its first line, and forward into the ring again', async () => {
    const state = () => session.store.getState().ui;
    const press = (key: string, text = key.length === 1 ? key : '') => session.controls.dispatch(key, text);
    const settled = () =>
      waitUntil(() => state().logHistory?.searching === false, 20_000, 'the store answered');
    session.store.setState((st) => ({ ui: { ...st.ui, logQuery: '', focus: 'logs', view: 'dashboard' } }));
    const ring = session.logs.ring;
    const oldest = ring.at(0);
    if (!oldest) throw new Error('an empty ring');
    // Paused at the ring's first line, one more line up leaves the ring for the store.
    session.store.setState((st) => ({ ui: { ...st.ui, followLogs: false, logAnchor: oldest.seq } }));
    press('k');
    await settled();
    const bottom = () => {
      const h = state().logHistory;
      const at = state().logStoreAnchor;
      return at === undefined ? undefined : h?.lines[at];
    };
    const first = bottom();
    expect(first).toBeDefined();
    expect(first?.time).toBeLessThanOrEqual(oldest.time);
    expect(ring.toArray().some((r) => r.text === first?.text && r.time === first?.time)).toBe(false);
    // A page further back, and the loaded lines stay in time order with none twice.
    press('pageup');
    press('pageup');
    await settled();
    const lines = state().logHistory?.lines ?? [];
    expect(lines.map((r) => r.time)).toEqual([...lines.map((r) => r.time)].sort((a, b) => a - b));
    expect(new Set(lines.map((r) => `${r.time} ${r.text}`)).size).toBe(lines.length);
    // Down again past the loaded lines: back in the ring at its first line.
    for (let i = 0; i < 10 && state().logStoreAnchor !== undefined; i++) press('pagedown');
    expect(state().logStoreAnchor).toBeUndefined();
    expect(state().logAnchor).toBeGreaterThanOrEqual(oldest.seq);
    // `g`: the first line the store holds, the request that began it all.
    press('g');
    await settled();
    expect(state().logHistory?.lines[0]?.requestId).toBe('req-7f3a');
    expect(state().logHistory?.gapAfter).toBe(true);
    // Back to the newest, then up past the ring's top again: the page just before the ring, not
    // "nothing older" because the page `g` loaded lies far back.
    press('G');
    session.store.setState((st) => ({ ui: { ...st.ui, followLogs: false, logAnchor: oldest.seq } }));
    press('k');
    await settled();
    expect(state().logHistory?.gapAfter).toBe(false);
    expect(bottom()?.time).toBeLessThanOrEqual(oldest.time);
    expect(bottom()?.time).toBeGreaterThan(t0 + 50_000);
    press('g');
    await settled();
    // `@` a time the ring no longer holds: paused at the last line at or before it.
    const at = new Date(t0 + 50_000);
    press('@');
    session.controls.dispatch(undefined, at.toISOString().slice(11, 19));
    press('return');
    // Typed to the second: the last line at or before that second.
    const second = Math.floor(at.getTime() / 1000) * 1000;
    await waitUntil(() => (bottom()?.time ?? 0) > second - 1000, 20_000, 'the jump');
    expect(bottom()?.time).toBeLessThanOrEqual(second);
    // Enter shows that stored line itself (its number is the store's, not the ring's).
    press('return');
    expect(state().overlay).toBe('detail');
    expect(state().detailLine).toEqual(bottom());
    press('escape');
    // Forward from there, pages after it are loaded as the bottom nears their end.
    const before = state().logHistory?.lines.length ?? 0;
    for (let i = 0; i < 5; i++) press('pagedown');
    await settled();
    for (let i = 0; i < 200; i++) press('pagedown');
    await settled();
    const after = state().logHistory?.lines ?? [];
    expect(after.length).toBeGreaterThan(before);
    expect(after.map((r) => r.time)).toEqual([...after.map((r) => r.time)].sort((a, b) => a - b));
    // A filter typed while scrolled back: the pane leaves the store (its place was the old filter's).
    session.store.setState((st) => ({ ui: { ...st.ui, logQuery: 'rid:req-7f3a' } }));
    expect(state().logStoreAnchor).toBeUndefined();
    press('G');
    expect(state().followLogs).toBe(true);
  });
});
