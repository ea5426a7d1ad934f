import type { LogRecord } from '../logs/logRecord';
import type { AppendResult } from './storeWriter';

/** What the console sends the store's writer thread. */
export type ToWriter = { type: 'append'; records: LogRecord[] } | { type: 'close' };

/** What the writer thread answers, in the order it did it. */
export type FromWriter =
  | { type: 'opened'; setAside?: string }
  | { type: 'failed'; error: string }
  | ({ type: 'appended' } & AppendResult)
  | { type: 'closed' };
