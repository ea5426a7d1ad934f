import { parentPort, workerData } from 'node:worker_threads';
import type { LogRecord } from '../logs/logRecord';
import { openStoreForWriting } from './storeFile';
import { StoreWriter, type WriterLimits } from './storeWriter';
import type { FromWriter, ToWriter } from './writerMessages';

/**
 * The log store's writer, in a worker thread: SQLite's calls are synchronous, and at a flood's
 * rate a transaction and a block's compression take milliseconds the console's keys cannot spare.
 */
const port = parentPort;
if (!port) throw new Error('the log store writer runs in a worker thread');
const { path, limits } = workerData as { path: string; limits: WriterLimits };
const send = (m: FromWriter) => port.postMessage(m);

let writer: StoreWriter | undefined;
let close: (() => void) | undefined;
try {
  const { db, setAside } = openStoreForWriting(path);
  writer = new StoreWriter(db, limits);
  close = () => {
    writer?.seal();
    db.close();
  };
  send({ type: 'opened', ...(setAside ? { setAside } : {}) });
} catch (err) {
  send({ type: 'failed', error: (err as Error).message });
}

port.on('message', (m: ToWriter) => {
  if (m.type === 'append') {
    const records = m.records as LogRecord[];
    const result = writer
      ? writer.append(records)
      : { stored: 0, dropped: records.length, reason: 'error' as const, error: 'the store is not open' };
    send({ type: 'appended', ...result });
  } else if (m.type === 'close') {
    try {
      close?.();
    } finally {
      send({ type: 'closed' });
      port.close();
    }
  }
});
