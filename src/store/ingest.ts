import type { Thresholds } from '../config/schema';
import type { LogBuffer } from '../logs/logBuffer';
import { requestOutcome } from '../logs/logRecord';
import { DEFAULT_FIELD_NAMES, parseLine } from '../logs/parseLine';
import { ReorderBuffer } from '../logs/reorderBuffer';
import type { WindowRate } from '../metrics/errorRateWindow';
import { rulesFromThresholds, ServiceSignals } from '../metrics/serviceSignals';
import type { RuleTransition } from '../metrics/thresholdRule';
import type { NotableEvent } from '../model/notableEvent';
import type { EventSink, FieldNames, SourceEvent } from '../model/sourceEvents';
import { formatPercent } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { ClusterEventFilter } from './clusterEvents';
import { appendEvents, type ConsoleStore } from './consoleStore';
import { ContainerChangeDeduper } from './containerChangeDeduper';
import { copiedOnFirstWrite } from './copiedOnFirstWrite';
import { dependencyErrors, diagnose } from './diagnosis';
import { currentPatternRows } from './patternRows';
import { ReleaseDetector } from './releaseDetector';

export const FLUSH_INTERVAL_MS = 50;
/** Which service fails first is judged over the requests of the last 15 minutes. */
const ORIGIN_WINDOW_MS = 15 * 60_000;
export const SPARK_BUCKETS = 30;

export interface Ingest {
  sink: EventSink;
  /** Applies everything queued to the store in one update. */
  flush(now?: number): void;
  start(): void;
  stop(): void;
  signalsFor(service: string): ServiceSignals;
  /** A known service's requests and errors since a time; undefined for a service never seen. */
  rateSince(service: string, since: number, now: number): WindowRate | undefined;
  lineCounts(): LineCounts;
}

/** Where the log lines a console received are (see `lineCounts`). */
export interface LineCounts {
  received: number;
  queued: number;
  merging: number;
  shown: number;
  held: number;
  evicted: number;
}

export interface IngestOptions {
  store: ConsoleStore;
  logs: LogBuffer;
  thresholds: Thresholds;
  /** Called with notable events after they reach the store, e.g. to journal them. */
  onNotable?: (events: NotableEvent[]) => void;
  /** How long lines wait to be merged by timestamp across sources (0 in tests that drive the clock). */
  reorderWindowMs?: number;
}

export const DEFAULT_REORDER_WINDOW_MS = 250;

function fieldNamesWith(extra: Partial<FieldNames> | undefined): FieldNames {
  if (!extra) return DEFAULT_FIELD_NAMES;
  const merged = { ...DEFAULT_FIELD_NAMES };
  for (const key of Object.keys(extra) as (keyof FieldNames)[])
    merged[key] = [...(extra[key] ?? []), ...DEFAULT_FIELD_NAMES[key]];
  return merged;
}

function transitionEvent(service: string, t: RuleTransition): NotableEvent {
  const verb = t.kind === 'fired' ? 'FIRING' : 'cleared';
  return {
    at: t.at,
    kind: t.kind === 'fired' ? 'rule-fired' : 'rule-cleared',
    severity: t.kind === 'fired' ? t.rule.severity : 'info',
    text: `${service}: ${t.rule.description} ${verb} (1m ratio ${formatPercent(t.value)})`,
    data: {
      service,
      rule: t.rule.id,
      description: t.rule.description,
      value: t.value,
      above: t.rule.above,
      forMs: t.rule.forMs,
    },
  };
}

/**
 * Sources push events at any rate; the ingest queues them and applies them to the store at most
 * every FLUSH_INTERVAL_MS (about 20 times a second), so a log flood costs one store update per
 * frame rather than one per line.
 */
export function createIngest({
  store,
  logs,
  thresholds,
  onNotable,
  reorderWindowMs = DEFAULT_REORDER_WINDOW_MS,
}: IngestOptions): Ingest {
  const reorder = new ReorderBuffer(reorderWindowMs);
  /** Log lines handed to the ingest by sources, for the accounting in `lineCounts`. */
  let linesIn = 0;
  const rules = rulesFromThresholds(thresholds);
  const signals = new Map<string, ServiceSignals>();
  let queue: SourceEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastSecond = 0;
  const containerChanges = new ContainerChangeDeduper();
  const releases = new ReleaseDetector();
  const clusterEvents = new ClusterEventFilter();
  /** Requests and 5xx counted from each service's log lines, cumulative like a counter. */
  const logCounts = new Map<string, { requests: number; errors: number }>();

  const signalsFor = (service: string): ServiceSignals => {
    let s = signals.get(service);
    if (!s) {
      s = new ServiceSignals(service, rules);
      signals.set(service, s);
    }
    return s;
  };

  const flush = (now = Date.now()): void => {
    const batch = queue;
    queue = [];
    const state = store.getState();
    const containers = copiedOnFirstWrite(state.containers);
    const workloads = copiedOnFirstWrite(state.workloads);
    let logStreams = state.logStreams;
    let alerts = state.alerts;
    let alertRules = state.alertRules;
    let sources = state.sources;
    let received = 0;
    let signalsChanged = false;
    const notable: NotableEvent[] = [];

    for (const e of batch) {
      switch (e.type) {
        case 'container': {
          containers.set(e.status.id, e.status);
          const release = releases.container(e.status, now);
          if (release) notable.push(release);
          const change = containerChanges.observe(e.status, now);
          if (change) notable.push(change);
          break;
        }
        case 'cluster-event': {
          const notableEvent = clusterEvents.observe(e);
          if (notableEvent) notable.push(notableEvent);
          break;
        }
        case 'log-streams':
          logStreams = e.counts;
          break;
        case 'workload':
          workloads.set(e.status.id, e.status);
          break;
        case 'workload-removed':
          workloads.remove(e.id);
          break;
        case 'container-removed':
          containers.remove(e.id);
          break;
        case 'log-lines': {
          let counts = logCounts.get(e.source);
          if (!counts) {
            // A zero reading before the first lines, so the first second of traffic is counted too.
            counts = { requests: 0, errors: 0 };
            signalsFor(e.source).addLogCounts(e.receivedAt - 1, 0, 0);
          }
          const fields = fieldNamesWith(e.fields);
          for (const [i, line] of e.lines.entries()) {
            // The sequence number is given when the line leaves the reorder buffer.
            const record = parseLine(line, {
              source: e.source,
              seq: 0,
              receivedAt: e.times?.[i] ?? e.receivedAt,
              fields,
            });
            reorder.add(record, e.receivedAt);
            const outcome = requestOutcome(record);
            if (outcome !== undefined) {
              counts.requests++;
              if (outcome === 'error') counts.errors++;
            }
          }
          logCounts.set(e.source, counts);
          break;
        }
        case 'counters':
          signalsFor(e.service).addCounters(e.at, e.total, e.errors, e.p95Seconds, e.ratio1m);
          signalsChanged = true;
          break;
        case 'counters-unknown':
          signalsFor(e.service).markUnknown(e.reason);
          signalsChanged = true;
          break;
        case 'health': {
          const release = e.version
            ? releases.reportedVersion(e.service, e.target, e.version, e.at)
            : undefined;
          if (release) notable.push(release);
          signalsFor(e.service).addHealth({
            target: e.target,
            ok: e.ok,
            at: e.at,
            latencyMs: e.latencyMs,
            ...((e.error ?? e.httpStatus) !== undefined && { detail: e.error ?? `HTTP ${e.httpStatus}` }),
          });
          signalsChanged = true;
          break;
        }
        case 'source': {
          const prev = sources[e.id];
          sources = {
            ...sources,
            [e.id]: {
              id: e.id,
              state: e.state,
              at: e.at,
              ...(e.reason && { reason: sanitize(e.reason) }),
              ...(e.nextTryAt && { nextTryAt: e.nextTryAt }),
            },
          };
          // A link's first connection is not news (a cluster opens dozens of log streams at start).
          const firstUp = prev?.state === 'connecting' && e.state === 'connected';
          if (prev && prev.state !== e.state && !firstUp) {
            notable.push({
              at: e.at,
              kind: 'source',
              severity: e.state === 'connected' ? 'info' : 'warning',
              text: `${e.id}: ${e.state}${e.reason ? ` (${sanitize(e.reason)})` : ''}`,
              data: { source: e.id, state: e.state },
            });
          }
          break;
        }
        case 'alerts':
          alerts = { list: e.alerts, at: e.at };
          break;
        case 'alerts-unknown':
          alerts = { list: alerts?.list ?? [], at: e.at, unknown: e.reason };
          break;
        case 'alert-rules':
          alertRules = { rules: e.rules, alerts: e.alerts, at: e.at };
          break;
        case 'alert-rules-unknown':
          alertRules = {
            rules: alertRules?.rules ?? [],
            alerts: alertRules?.alerts ?? [],
            at: e.at,
            unknown: e.reason,
          };
          break;
        case 'version': {
          const release = releases.reportedVersion(e.service, e.reporter, e.version, e.at);
          if (release) notable.push(release);
          break;
        }
        case 'release': {
          const release = releases.announced(
            {
              service: e.service,
              host: e.host,
              ...(e.from !== undefined && { from: e.from }),
              to: e.to,
              reason: e.reason,
            },
            e.at,
          );
          if (release) notable.push(release);
          break;
        }
      }
    }

    for (const record of reorder.release(now)) {
      record.seq = logs.takeSeq();
      logs.push(record);
      received++;
    }

    // Rules advance on the clock as well as on data: "pending 1m12s" must count down.
    const second = Math.floor(now / 1000);
    let origins = state.origins;
    let diagnosis = state.diagnosis;
    let dependencies = state.dependencyErrors;
    if (second !== lastSecond) {
      const counted = logs.origins.counts(now - ORIGIN_WINDOW_MS);
      if (JSON.stringify(counted) !== JSON.stringify(origins)) origins = counted;
      const rows = currentPatternRows(logs.patterns, state);
      const deps = dependencyErrors(rows, now);
      if (JSON.stringify(deps) !== JSON.stringify(dependencies)) dependencies = deps;
      const next = diagnose(state, rows, origins);
      if (next?.summary !== diagnosis?.summary) diagnosis = next;
      lastSecond = second;
      signalsChanged = true;
      for (const [service, c] of logCounts) signalsFor(service).addLogCounts(now, c.requests, c.errors);
      notable.push(...containerChanges.flush(now));
    }
    let nextSignals = state.signals;
    if (signalsChanged) {
      nextSignals = {};
      for (const [service, s] of signals) {
        for (const t of s.evaluate(now)) notable.push(transitionEvent(service, t));
        nextSignals[service] = s.view(now, SPARK_BUCKETS);
      }
    }

    const nothingNew = batch.length === 0 && !signalsChanged && received === 0;
    if (nothingNew) return;
    const watched = releases.watchedSince.size !== Object.keys(state.releaseWatch).length;
    store.setState({
      now,
      ...(watched && { releaseWatch: Object.fromEntries(releases.watchedSince) }),
      containers: containers.current,
      workloads: workloads.current,
      ...(logStreams && { logStreams }),
      origins,
      diagnosis,
      dependencyErrors: dependencies,
      ...(alerts && { alerts }),
      ...(alertRules && { alertRules }),
      sources,
      signals: nextSignals,
      ...(received > 0 && {
        logs: {
          version: state.logs.version + 1,
          received: state.logs.received + received,
          dropped: logs.ring.evicted,
          droppedBySource: Object.fromEntries(logs.evictedBySource),
        },
      }),
      ...(notable.length > 0 && {
        incident: { ...state.incident, events: appendEvents(state.incident.events, notable) },
      }),
    });
    if (notable.length > 0) onNotable?.(notable);
  };

  return {
    sink: (event) => {
      if (event.type === 'log-lines') linesIn += event.lines.length;
      queue.push(event);
    },
    flush,
    start() {
      timer ??= setInterval(() => flush(), FLUSH_INTERVAL_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      flush();
    },
    signalsFor,
    rateSince: (service, since, at) => signals.get(service)?.rateSince(since, at),
    /**
     * Where every log line is: received from sources = queued for the next flush + waiting to be
     * merged by time + shown (entered the ring), and shown = held in the ring + evicted from it by
     * newer lines. Nothing else drops a line.
     */
    lineCounts(): LineCounts {
      let shown = 0;
      for (const n of logs.receivedBySource.values()) shown += n;
      return {
        received: linesIn,
        queued: queuedLines(queue),
        merging: reorder.size,
        shown,
        held: logs.ring.size,
        evicted: logs.ring.evicted,
      };
    },
  };
}

function queuedLines(queue: SourceEvent[]): number {
  let n = 0;
  for (const e of queue) if (e.type === 'log-lines') n += e.lines.length;
  return n;
}
