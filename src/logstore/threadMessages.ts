import type { LogRecord } from '../logs/logRecord';
import type { StoreExtent, StoreQuery } from './storeReader';
import type { AppendResult } from './storeWriter';

/** What the console sends a log store thread. */
export type ToStoreThread =
  | { type: 'append'; records: LogRecord[] }
  /** `end`: the newest `limit` matches (the default), or the oldest. */
  | { type: 'query'; id: number; query: StoreQuery; limit: number; end?: 'newest' | 'oldest' }
  | { type: 'close' };

/** What a store thread answers, in the order it did it. */
export type FromStoreThread =
  | { type: 'opened'; setAside?: string }
  | { type: 'failed'; error: string }
  /** `setAside`: the store was found damaged while writing, kept under that name, and a new one started. */
  | ({ type: 'appended'; setAside?: string } & AppendResult)
  | { type: 'result'; id: number; lines: LogRecord[]; extent?: StoreExtent; error?: string }
  | { type: 'closed' };
