import type { LogRecord } from '../logs/logRecord';
import type { RecordedEvent } from '../model/recording';
import type { KeptRange } from './recordingStore';
import type { StoreExtent, StoreQuery } from './storeReader';
import type { AppendResult } from './storeWriter';

/** What the console sends a log store thread. */
export type ToStoreThread =
  | { type: 'append'; records: LogRecord[] }
  /** `end`: the newest `limit` matches (the default), or the oldest. */
  | { type: 'query'; id: number; query: StoreQuery; limit: number; end?: 'newest' | 'oldest' }
  /** The recording's events of the last second (everything but log lines). */
  | { type: 'events'; events: RecordedEvent[] }
  /** An open incident's range, kept from eviction. */
  | { type: 'keep'; range: KeptRange }
  | { type: 'close' };

/** What a store thread answers, in the order it did it. */
export type FromStoreThread =
  | { type: 'opened'; setAside?: string }
  | { type: 'failed'; error: string }
  /** `setAside`: the store was found damaged while writing, kept under that name, and a new one started. */
  | ({ type: 'appended'; setAside?: string } & AppendResult)
  | { type: 'result'; id: number; lines: LogRecord[]; extent?: StoreExtent; error?: string }
  | { type: 'recorded'; stored: number; dropped: number; error?: string }
  | { type: 'closed' };
