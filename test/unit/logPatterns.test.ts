import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/logs/logBuffer';
import { matchesFilter, parseFilterQuery } from '../../src/logs/logFilter';
import { parseLine } from '../../src/logs/parseLine';
import { messageBody } from '../../src/logs/patterns/messageBody';
import { PatternIndex } from '../../src/logs/patterns/patternIndex';
import { TemplateMiner, tokenize } from '../../src/logs/patterns/templateMiner';
import {
  failureRole,
  ORIGIN_MIN_REQUESTS,
  originService,
  originShare,
  RequestOrigins,
} from '../../src/logs/requestOrigins';
import { type ConsoleStore, createConsoleStore } from '../../src/store/consoleStore';
import { patternRows } from '../../src/store/patternRows';

const T0 = Date.UTC(2026, 10, 21, 2, 0, 0);
const line = (source: string, obj: Record<string, unknown>, seq = 0) =>
  parseLine(JSON.stringify(obj), { source, seq, receivedAt: T0 });

describe('message bodies and tokens', () => {
  it('take the logger’s header off: brackets, ISO and syslog times, levels, code locations', () => {
    expect(messageBody('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok')).toBe(
      'workerEnv.init() ok',
    );
    expect(
      messageBody(
        '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:2181:FastLeaderElection@774] - Notification time out: 3200',
      ),
    ).toBe('Notification time out: 3200');
    expect(messageBody('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown')).toBe(
      'check pass; user unknown',
    );
    expect(messageBody('plain words stay as they are')).toBe('plain words stay as they are');
  });

  it('mask values, keep the words of mixed tokens and the keys of key=value', () => {
    expect(
      tokenize('user 42 from 10.0.0.1:8080 at /var/lib/x id=abc123 LOGIN(uid=0) jk2_init() on Fri Jun 17'),
    ).toEqual([
      'user',
      '<*>',
      'from',
      '<*>',
      'at',
      '<*>',
      'id=<*>',
      'LOGIN(uid=<*>)',
      'jk2_init()',
      'on',
      '<*>',
      '<*>',
      '<*>',
    ]);
  });

  it('never merges two key=word cases, and forgets the least recently seen template past its bound', () => {
    const m = new TemplateMiner({ maxClusters: 2 });
    const root = m.add('session opened user=root');
    const guest = m.add('session opened user=guest');
    expect(guest.id).not.toBe(root.id);
    m.add('something else entirely here');
    expect(m.size).toBe(2);
    // `root` was least recently seen: a line like it starts a new template.
    expect(m.add('session opened user=root').id).not.toBe(root.id);
  });
});

describe('the pattern index', () => {
  it('counts per minute, keeps first and last seen, the latest sample and the level mix, per source', () => {
    const index = new PatternIndex();
    for (let i = 0; i < 5; i++)
      index.add(
        line('api', {
          time: new Date(T0 + i * 30_000).toISOString(),
          level: i === 4 ? 'error' : 'info',
          msg: `order ${i} placed`,
          request_id: `r${i}`,
        }),
      );
    index.add(line('worker', { time: new Date(T0).toISOString(), msg: 'order 9 placed' }));
    const [api, worker] = index.all().sort((a, b) => a.source.localeCompare(b.source));
    expect(api).toMatchObject({
      source: 'api',
      template: 'order <*> placed',
      count: 5,
      firstSeen: T0,
      lastSeen: T0 + 120_000,
      sampleRequestId: 'r4',
      levels: { info: 4, error: 1 },
    });
    expect([...(api?.perMinute.values() ?? [])]).toEqual([2, 2, 1]);
    expect(worker?.count).toBe(1);
  });

  it('files each buffered line under its template, which the pat: filter selects', () => {
    const buffer = new LogBuffer(100);
    const a = line('api', {
      msg: 'pricing rule lookup failed: column "discount_tier" does not exist',
      level: 'error',
    });
    const b = line('api', { msg: 'request completed in 12 ms' });
    buffer.push(a);
    buffer.push(b);
    const filter = parseFilterQuery(`pat:${a.pattern}`);
    expect(matchesFilter(a, filter)).toBe(true);
    expect(matchesFilter(b, filter)).toBe(false);
  });
});

/** The console at `now`, having seen api released (v1.4.2 → v1.5.0) at `at`. */
function releasedAt(store: ConsoleStore, at: number, now: number): void {
  store.setState({
    now,
    incident: {
      ...store.getState().incident,
      events: [
        {
          at,
          kind: 'release',
          severity: 'info',
          text: 'api v1.4.2 → v1.5.0',
          data: { service: 'api', host: 'local', to: 'v1.5.0', from: 'v1.4.2', reason: 'image changed' },
        },
      ],
    },
  });
}

describe('new and spiking templates', () => {
  it('marks a template new when first seen after its service’s release, and one that jumps 3x as spiking', () => {
    const store = createConsoleStore('test', T0);
    const now = T0 + 40 * 60_000;
    const released = now - 10 * 60_000;
    releasedAt(store, released, now);
    const index = new PatternIndex();
    const at = (t: number, msg: string) => index.add(line('api', { time: new Date(t).toISOString(), msg }));
    // Steady for 35 minutes, then ten times as many in the last 5.
    for (let m = 0; m < 35; m++) at(T0 + m * 60_000, 'cache refreshed in 3 ms');
    for (let m = 35; m < 40; m++)
      for (let k = 0; k < 10; k++) at(T0 + m * 60_000 + k, 'cache refreshed in 4 ms');
    at(released + 10_000, 'pricing rule lookup failed: column "discount_tier" does not exist');
    const rows = patternRows(index.all(), store.getState());
    expect(rows.map((r) => [r.template, r.isNew, r.spiking])).toEqual([
      ['pricing rule lookup failed: column "discount_tier" does not exist', true, false],
      ['cache refreshed in <*> ms', false, true],
    ]);
  });
});

describe('new templates when the console started just before the release', () => {
  it('does not count what the service logged from its first line as brought by the release', () => {
    const store = createConsoleStore('test', T0);
    const released = T0 + 10_000;
    releasedAt(store, released, T0 + 40_000);
    const index = new PatternIndex();
    const at = (t: number, msg: string) => index.add(line('api', { time: new Date(t).toISOString(), msg }));
    at(T0, 'health ok');
    // Milliseconds after the source's first line, before the release: there all along.
    at(T0 + 40, 'request completed in 4 ms');
    // In the source's first seconds too, but after the release: brought by it.
    at(T0 + 10_500, 'pricing rule lookup failed: column "discount_tier" does not exist');
    // Before the release, within its grace, but in the source's first seconds: not new.
    at(T0 + 6_000, 'cache warmed');
    const rows = patternRows(index.all(), store.getState());
    expect(Object.fromEntries(rows.map((r) => [r.template, r.isNew]))).toEqual({
      'pricing rule lookup failed: column "discount_tier" does not exist': true,
      'cache warmed': false,
      'health ok': false,
      'request completed in <*> ms': false,
    });
  });
});

describe('where failures start', () => {
  it('makes the first service to fail a request the origin, the others downstream of it', () => {
    const origins = new RequestOrigins();
    for (let i = 0; i < 10; i++) {
      origins.add(
        line('api', {
          time: new Date(T0 + i * 1000).toISOString(),
          level: 'error',
          status: 500,
          request_id: `r${i}`,
        }),
      );
      origins.add(
        line('gateway', {
          time: new Date(T0 + i * 1000 + 5).toISOString(),
          status: 502,
          request_id: `r${i}`,
        }),
      );
    }
    // A request failing on one service only says nothing about the chain.
    origins.add(line('worker', { time: new Date(T0).toISOString(), level: 'error', request_id: 'alone' }));
    const counts = origins.counts();
    expect(counts).toEqual([
      { service: 'api', origin: 10, downstream: 0 },
      { service: 'gateway', origin: 0, downstream: 10, after: 'api' },
    ]);
    expect(originService(counts)).toBe('api');
    expect(originShare(counts)).toBe(1);
    expect(failureRole(counts, 'gateway')).toEqual({ role: 'downstream', of: 'api' });
    expect(failureRole(counts, 'api')).toEqual({ role: 'origin' });
    expect(failureRole(counts, 'worker')).toBeUndefined();
  });

  it('orders by the lines’ own times, not their arrival', () => {
    const origins = new RequestOrigins();
    for (let i = 0; i < ORIGIN_MIN_REQUESTS; i++) {
      origins.add(
        line('gateway', { time: new Date(T0 + 5).toISOString(), status: 502, request_id: `r${i}` }),
      );
      origins.add(line('api', { time: new Date(T0).toISOString(), status: 500, request_id: `r${i}` }));
    }
    expect(originService(origins.counts())).toBe('api');
  });

  it('names no origin before enough requests have failed', () => {
    const origins = new RequestOrigins();
    const fail = (i: number) => {
      origins.add(line('worker', { time: new Date(T0 + i).toISOString(), status: 500, request_id: `q${i}` }));
      origins.add(
        line('api', { time: new Date(T0 + i + 3).toISOString(), status: 502, request_id: `q${i}` }),
      );
    };
    for (let i = 0; i < ORIGIN_MIN_REQUESTS - 1; i++) fail(i);
    expect(originService(origins.counts())).toBeUndefined();
    expect(failureRole(origins.counts(), 'worker')).toBeUndefined();
    fail(ORIGIN_MIN_REQUESTS);
    expect(originService(origins.counts())).toBe('worker');
  });
});
