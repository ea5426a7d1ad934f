import { Worker } from 'node:worker_threads';
import type { LogRecord } from '../logs/logRecord';
import type { RecordedEvent } from '../model/recording';
import type { KeptRange } from './recordingStore';
import { DEFAULT_WRITER_LIMITS, type WriterLimits } from './storeWriter';
import type { FromStoreThread, ToStoreThread } from './threadMessages';

/** Why lines did not reach the store (they still reached the screen). */
export type DropReason = 'behind' | 'disk-full' | 'error' | 'unavailable';

/**
 * Every line handed to the store: received = stored + already stored + dropped (by reason) + still
 * on the way.
 */
export interface StoreCounts {
  received: number;
  stored: number;
  /** Lines read back from the sources at start that the store had from an earlier run. */
  alreadyStored: number;
  inFlight: number;
  /** The oldest line the store holds (this run's or an earlier one's), once the writer said. */
  oldest?: number;
  dropped: Record<DropReason, number>;
}

export interface LogStoreClientOptions {
  path: string;
  /** The store threads' script (the bundle's `logstore-thread.js`). */
  workerScript: string | URL;
  limits?: Partial<WriterLimits>;
  /** Lines on their way to the writer past which new ones are dropped from the store, not queued. */
  maxInFlight?: number;
  /** A problem the operator should hear about (said once per kind). */
  onProblem?: (message: string) => void;
}

/**
 * The console's side of the log store: hands each released batch to the writer thread and never
 * waits for it. If the writer falls behind by more than `maxInFlight` lines, or the disk is full,
 * lines are dropped from the store (never from the screen) and counted by reason.
 */
export class LogStoreClient {
  private readonly worker: Worker;
  private readonly counts: StoreCounts = {
    received: 0,
    stored: 0,
    alreadyStored: 0,
    inFlight: 0,
    dropped: { behind: 0, 'disk-full': 0, error: 0, unavailable: 0 },
  };
  private readonly maxInFlight: number;
  private readonly said = new Set<string>();
  private unavailable = false;
  private closed?: Promise<void>;
  private onClosed?: () => void;

  constructor(private readonly options: LogStoreClientOptions) {
    this.maxInFlight = options.maxInFlight ?? 200_000;
    this.worker = new Worker(options.workerScript, {
      workerData: {
        path: options.path,
        mode: 'write',
        limits: { ...DEFAULT_WRITER_LIMITS, ...options.limits },
      },
    });
    // The console's exit waits for `close()`, not for the thread.
    this.worker.unref();
    this.worker.on('message', (m: FromStoreThread) => this.answer(m));
    this.worker.on('error', (err) => this.fail(`the log store's writer stopped: ${err.message}`));
    this.worker.on('exit', () => {
      if (!this.onClosed) this.fail("the log store's writer stopped");
      this.onClosed?.();
    });
  }

  append(records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    this.counts.received += records.length;
    if (this.unavailable || this.closed) {
      this.counts.dropped.unavailable += records.length;
      return;
    }
    if (this.counts.inFlight + records.length > this.maxInFlight) {
      this.counts.dropped.behind += records.length;
      this.say(
        'behind',
        `the log store is behind: lines are kept on screen but not stored (${this.counts.dropped.behind} so far)`,
      );
      return;
    }
    this.counts.inFlight += records.length;
    this.post({ type: 'append', records: [...records] });
  }

  /** The recording's events of the last second; a batch the writer cannot take is said, not retried. */
  record(events: readonly RecordedEvent[]): void {
    if (events.length === 0 || this.unavailable || this.closed) return;
    this.post({ type: 'events', events: [...events] });
  }

  /** Keeps an open incident's range (from its start, less the recording's lead) from eviction. */
  keep(range: KeptRange): void {
    if (this.unavailable || this.closed) return;
    this.post({ type: 'keep', range });
  }

  snapshot(): StoreCounts {
    return { ...this.counts, dropped: { ...this.counts.dropped } };
  }

  /** Seals what is pending and closes the file; resolves once the writer has (or within `timeoutMs`). */
  close(timeoutMs = 5000): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void this.worker.terminate();
        resolve();
      }, timeoutMs);
      this.onClosed = () => {
        clearTimeout(timer);
        resolve();
      };
      if (this.unavailable) {
        void this.worker.terminate();
      } else this.post({ type: 'close' });
    });
    return this.closed;
  }

  private post(m: ToStoreThread): void {
    this.worker.postMessage(m);
  }

  private answer(m: FromStoreThread): void {
    if (m.type === 'opened') {
      if (m.setAside)
        this.say(
          'aside',
          `the log store could not be read; it was kept as ${m.setAside} and a new one started`,
        );
    } else if (m.type === 'failed') {
      this.fail(`the log store cannot open: ${m.error}`);
    } else if (m.type === 'appended') {
      if (m.setAside)
        this.say(
          'aside-while-writing',
          `the log store was found damaged while writing; it was kept as ${m.setAside} and a new one started`,
        );
      const already = m.alreadyStored ?? 0;
      this.counts.inFlight -= m.stored + m.dropped + already;
      this.counts.stored += m.stored;
      this.counts.alreadyStored += already;
      if (m.oldest !== undefined) this.counts.oldest = m.oldest;
      if (m.dropped > 0) {
        const reason: DropReason = m.reason ?? 'error';
        this.counts.dropped[reason] += m.dropped;
        this.say(
          reason,
          `the log store dropped lines (${reason}${m.error ? `: ${m.error}` : ''}); they stay on screen`,
        );
      }
    } else if (m.type === 'recorded') {
      if (m.error) this.say('recording', `the recording could not be stored: ${m.error}`);
    } else if (m.type === 'closed') {
      this.onClosed?.();
    }
  }

  /** The writer is gone: what was on its way is counted as dropped, and so is everything after. */
  private fail(message: string): void {
    if (this.unavailable) return;
    this.unavailable = true;
    this.counts.dropped.unavailable += this.counts.inFlight;
    this.counts.inFlight = 0;
    this.say('unavailable', message);
  }

  private say(kind: string, message: string): void {
    if (this.said.has(kind)) return;
    this.said.add(kind);
    this.options.onProblem?.(message);
  }
}
