import type { Thresholds } from '../config/schema';
import type { LogBuffer } from '../logs/logBuffer';
import type { LogRecord } from '../logs/logRecord';
import { MultilineJoiner } from '../logs/multiline';
import { ReorderBuffer } from '../logs/reorderBuffer';
import type { WindowRate } from '../metrics/errorRateWindow';
import { ServiceSignals } from '../metrics/serviceSignals';
import { rulesFromThresholds } from '../metrics/thresholdRule';
import type { NotableEvent } from '../model/notableEvent';
import type { EventSink, SourceEvent } from '../model/sourceEvents';
import { ClusterEventFilter } from './clusterEvents';
import type { ConsoleStore } from './consoleStore';
import { ContainerChangeDeduper } from './containerChangeDeduper';
import { ContainerHealthChecks } from './containerHealthChecks';
import { draftFrom, type IngestContext, type LogCounts, statePatch } from './ingest/draft';
import { releaseLines } from './ingest/logLines';
import { deriveEachSecond, perSecondOf } from './ingest/perSecond';
import { applyReadBack } from './ingest/readBack';
import { ReadBackCounts } from './ingest/readBackCounts';
import { applyEvent } from './ingest/reducerTable';
import { evaluateSignals } from './ingest/signals';
import { LinkEventCoalescer } from './linkEvents';
import { ReleaseDetector } from './releaseDetector';

export { SPARK_BUCKETS } from './ingest/signals';

export const FLUSH_INTERVAL_MS = 50;
/**
 * The most log lines one timed flush applies: a read-back of 90,000 lines at start, applied at
 * once, holds the UI thread for two seconds; in slices, keys are read between them.
 */
export const FLUSH_MAX_LINES = 20_000;

export interface Ingest {
  sink: EventSink;
  /** Applies everything queued (or up to `maxLines` log lines of it) to the store in one update. */
  flush(now?: number, maxLines?: number): void;
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
  /** Called with the lines each flush moved into the ring, in that order (the log store keeps them). */
  onLines?: (records: LogRecord[]) => void;
  /** How long lines wait to be merged by timestamp across sources (0 in tests that drive the clock). */
  reorderWindowMs?: number;
  /** When the console opened: what sources deliver from before it is read back (tests set it). */
  openedAt?: number;
}

export const DEFAULT_REORDER_WINDOW_MS = 250;

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
  onLines,
  reorderWindowMs = DEFAULT_REORDER_WINDOW_MS,
  openedAt = Date.now(),
}: IngestOptions): Ingest {
  const reorder = new ReorderBuffer(reorderWindowMs);
  /** Log lines handed to the ingest by sources, for the accounting in `lineCounts`. */
  let linesIn = 0;
  const rules = rulesFromThresholds(thresholds);
  const signals = new Map<string, ServiceSignals>();
  let queue: SourceEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastSecond = 0;

  const signalsFor = (service: string): ServiceSignals => {
    let s = signals.get(service);
    if (!s) {
      s = new ServiceSignals(service, rules);
      signals.set(service, s);
    }
    return s;
  };
  const detectors: Omit<IngestContext, 'now'> = {
    logs,
    reorder,
    joiner: new MultilineJoiner(),
    releases: new ReleaseDetector(),
    containerChanges: new ContainerChangeDeduper(),
    containerHealth: new ContainerHealthChecks(signalsFor),
    clusterEvents: new ClusterEventFilter(),
    links: new LinkEventCoalescer(),
    logCounts: new Map<string, LogCounts>(),
    openedAt,
    readBack: new ReadBackCounts(),
    replay: new Set<string>(),
    signalsFor,
  };

  let slicing: NodeJS.Immediate | undefined;
  /** The events of the next flush: all of them, or up to `maxLines` log lines (at least one event). */
  const take = (maxLines: number): SourceEvent[] => {
    let lines = 0;
    let i = 0;
    for (; i < queue.length; i++) {
      const e = queue[i] as SourceEvent;
      if (e.type !== 'log-lines') continue;
      if (lines > 0 && lines + e.lines.length > maxLines) break;
      lines += e.lines.length;
    }
    const batch = i === queue.length ? queue : queue.slice(0, i);
    queue = i === queue.length ? [] : queue.slice(i);
    return batch;
  };
  /** The timer's flush: a slice at a time, the next one as soon as input has been read. */
  const timedFlush = (): void => {
    slicing = undefined;
    flush(Date.now(), FLUSH_MAX_LINES);
    if (queue.length > 0 && timer) slicing = setImmediate(timedFlush);
  };

  const flush = (now = Date.now(), maxLines = Number.POSITIVE_INFINITY): void => {
    const batch = take(maxLines);
    const state = store.getState();
    const ctx: IngestContext = { ...detectors, now, backlog: queue.length > 0 };
    const draft = draftFrom(state);
    for (const event of batch) applyEvent(draft, event, ctx);
    applyReadBack(draft, ctx);
    const released = releaseLines(ctx);
    const received = released.length;
    const second = Math.floor(now / 1000);
    let perSecond = perSecondOf(state);
    if (second !== lastSecond) {
      perSecond = deriveEachSecond(state, draft, ctx);
      lastSecond = second;
    }
    const nextSignals = draft.signalsChanged ? evaluateSignals(signals, now, draft.notable) : state.signals;
    // An idle flush leaves the store alone, so its subscribers do not wake 20 times a second.
    if (batch.length === 0 && !draft.signalsChanged && received === 0) return;
    store.setState(statePatch(state, draft, ctx, { perSecond, signals: nextSignals, received }));
    if (draft.notable.length > 0) onNotable?.(draft.notable);
    if (released.length > 0) onLines?.(released);
  };

  return {
    sink: (event) => {
      if (event.type === 'log-lines') linesIn += event.lines.length;
      queue.push(event);
    },
    flush,
    start() {
      timer ??= setInterval(() => {
        if (!slicing) timedFlush();
      }, FLUSH_INTERVAL_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (slicing) clearImmediate(slicing);
      slicing = undefined;
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
