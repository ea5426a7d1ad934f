// A synthetic recorded incident for the replay benchmark: a fleet of N containers (services of five
// replicas) over M minutes, a bad release of one service at a third of the way and its rollback at
// two thirds, with the events a console receives (container states every 10 s, counters and health
// every 5 s, two access lines a second per container). Its journal is made as a console would make
// it: the rules fire in a "live" pass (the ingest flushed every 50 ms, a little late each time, as a
// timer is), and the triage is walked with the data at the declaration, recording its answers.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/config/schema';
import { Journal } from '../../src/incident/journal';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { LogRecord } from '../../src/logs/logRecord';
import { toStoredLine } from '../../src/logstore/storedLine';
import type { JournalRecord } from '../../src/model/journalRecord';
import type { NotableEvent } from '../../src/model/notableEvent';
import { RECORDING_FORMAT, type RecordedEvent, type Recording } from '../../src/model/recording';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
import { walkDecisions } from '../../src/playbooks/scenarios';
import type { Playbook } from '../../src/playbooks/schema';
import { liveFactsFrom } from '../../src/session/liveFacts';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';

export interface FleetShape {
  containers: number;
  minutes: number;
  /** Which service's release goes bad (varies the ten scenario recordings). */
  badService: number;
  start: number;
}

/** The signals, in time order: events and stored lines. */
function signals(shape: FleetShape): { events: RecordedEvent[]; lines: ReturnType<typeof toStoredLine>[] } {
  const services = Math.max(1, Math.ceil(shape.containers / 5));
  const end = shape.start + shape.minutes * 60_000;
  const badFrom = shape.start + (shape.minutes * 60_000) / 3;
  const badTo = shape.start + (2 * shape.minutes * 60_000) / 3;
  const bad = `svc${shape.badService % services}`;
  const events: RecordedEvent[] = [];
  const lines: ReturnType<typeof toStoredLine>[] = [];
  const totals = new Map<string, { total: number; errors: number }>();
  let seq = 0;
  let rid = 0;
  for (let t = shape.start; t < end; t += 500) {
    const second = (t - shape.start) / 1000;
    for (let c = 0; c < shape.containers; c++) {
      const service = `svc${c % services}`;
      const failing = service === bad && t >= badFrom && t < badTo;
      const version = service === bad && t >= badFrom && t < badTo ? 'v2' : 'v1';
      const name = `${service}-${Math.floor(c / services)}`;
      if (second % 10 === 0 && (c + second) % 1 === 0)
        events.push({
          t: t + ((c * 53) % 997),
          e: {
            type: 'container',
            status: {
              id: `fleet/${name}`,
              name,
              host: 'fleet',
              kind: 'docker',
              state: 'running',
              health: 'healthy',
              version,
              image: `registry/${service}:${version}`,
              restarts: 0,
              startedAt:
                version === 'v2'
                  ? badFrom
                  : version === 'v1' && t >= badTo && service === bad
                    ? badTo
                    : shape.start,
              cpuPercent: 3 + (c % 7),
              memoryBytes: 64 * 1024 * 1024,
              compose: { project: 'fleet', service },
            },
          },
        });
      const count = totals.get(service) ?? { total: 0, errors: 0 };
      // One request in five of the bad release fails.
      const status = failing && count.total % 5 === 0 ? 500 : 200;
      count.total++;
      if (status >= 500) count.errors++;
      totals.set(service, count);
      // Spread over the half second, as requests arrive, not on the beat.
      const time = t + ((c * 37 + second * 113) % 499);
      const text = JSON.stringify({
        time: new Date(time).toISOString(),
        level: status >= 500 ? 'error' : 'info',
        msg:
          status >= 500
            ? `pricing lookup failed: column "tier_${service}" does not exist`
            : 'request completed',
        request_id: `req-${(rid++).toString(16).padStart(8, '0')}`,
        status,
        path: '/api/checkout',
      });
      const record: LogRecord = {
        seq: ++seq,
        source: name,
        time,
        timeFromLine: true,
        message: text,
        text,
        structured: true,
      };
      lines.push(toStoredLine(record));
    }
    if (second % 5 === 0)
      for (let s = 0; s < services; s++) {
        const service = `svc${s}`;
        const count = totals.get(service) ?? { total: 0, errors: 0 };
        events.push({ t: t + 200, e: { type: 'counters', service, at: t + 200, ...count } });
        events.push({
          t: t + 300,
          e: {
            type: 'health',
            service,
            target: `http://${service}/health`,
            at: t + 300,
            ok: true,
            latencyMs: 4,
          },
        });
      }
  }
  for (const [at, from, to] of [
    [badFrom, 'v1', 'v2'],
    [badTo, 'v2', 'v1'],
  ] as const)
    events.push({
      t: at,
      e: { type: 'release', service: bad, host: 'fleet', from, to, at, reason: 'deploy' },
    });
  events.sort((a, b) => a.t - b.t);
  lines.sort((a, b) => a[0] - b[0]);
  return { events, lines };
}

/** The signals through an ingest flushed as live: every 50 ms, each flush 0-20 ms late. */
export function livePass(
  rec: Pick<Recording, 'events' | 'lines' | 'header'>,
  thresholds: Thresholds,
  until = rec.header.to,
) {
  const store = createConsoleStore('fleet', rec.header.from);
  const notable: NotableEvent[] = [];
  const ingest = createIngest({
    store,
    logs: new LogBuffer(),
    thresholds,
    openedAt: rec.header.from,
    onNotable: (e) => notable.push(...e),
  });
  const items: { t: number; e: SourceEvent }[] = [
    ...rec.events.map((e) => ({ t: e.t, e: e.e as SourceEvent })),
    ...(rec.lines as ReturnType<typeof toStoredLine>[]).map((l) => ({
      t: l[0],
      e: { type: 'log-lines' as const, source: l[1], lines: [l[6]], receivedAt: l[0] },
    })),
  ].sort((a, b) => a.t - b.t);
  let i = 0;
  let jitter = 7;
  for (let t = rec.header.from; t < until; t += 50) {
    jitter = (jitter * 31 + 11) % 21;
    const flushAt = t + jitter;
    while (i < items.length && (items[i] as { t: number }).t <= flushAt)
      ingest.sink((items[i++] as { e: SourceEvent }).e);
    ingest.flush(flushAt);
  }
  return { store, notable };
}

/** A whole recording: signals, then a journal made from the live pass and a triage walked at declaration. */
export function syntheticRecording(
  shape: FleetShape,
  triage: Playbook,
  thresholds = DEFAULT_THRESHOLDS,
): Recording {
  const { events, lines } = signals(shape);
  const header = {
    format: RECORDING_FORMAT,
    writer: 'bench',
    incident: `inc-bench-${shape.badService}`,
    environment: 'fleet',
    from: shape.start,
    to: shape.start + shape.minutes * 60_000,
    createdAt: Date.now(),
  };
  // Declared five minutes into the bad release, when the critical rule has fired.
  const declaredAt = shape.start + (shape.minutes * 60_000) / 3 + 5 * 60_000;
  const { store, notable } = livePass({ header, events, lines }, thresholds, declaredAt);
  let now = declaredAt;
  const path = join(mkdtempSync(join(tmpdir(), 'oc-bench-replay-')), `${header.incident}.jsonl`);
  const journal = new Journal(path, 'bench', 1000, () => now);
  journal.append('incident.declared', {
    title: `svc${shape.badService} errors`,
    severity: 'P1',
    commander: 'bench',
  });
  for (const n of notable)
    if (n.kind === 'rule-fired') journal.append('rule.fired', { ...n.data, text: n.text }, n.at);
  now += 30_000;
  const run = new PlaybookRun(triage, {
    facts: () => ({ ...liveFactsFrom(store.getState()), now }),
    record: (kind, payload) => {
      journal.append(kind, payload);
    },
    targetFor: () => {
      throw new Error('no steps in the bench');
    },
    values: {},
    onChange: () => {},
    now: () => now,
  });
  walkDecisions(run, { 'unsafe-migration': 'no', 'fix-is-faster': 'no', 'rollback-trigger': 'yes' });
  const records = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalRecord);
  return { header, journal: records, lines, events };
}
