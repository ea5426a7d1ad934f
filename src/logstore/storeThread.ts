import { parentPort, workerData } from 'node:worker_threads';
import type { LogRecord } from '../logs/logRecord';
import { openStoreForReading, openStoreForWriting } from './storeFile';
import { StoreReader } from './storeReader';
import { StoreWriter, type WriterLimits } from './storeWriter';
import type { FromStoreThread, ToStoreThread } from './threadMessages';

/**
 * The log store's threads: SQLite's calls are synchronous, and a flood's transactions, a block's
 * compression or a search through gigabytes take time the console's keys cannot spare. One thread
 * writes (`mode: 'write'`); another answers the console's searches over a read-only connection, so
 * a long search never holds the writer back.
 */
const port = parentPort;
if (!port) throw new Error('the log store runs in a worker thread');
const { path, mode, limits } = workerData as { path: string; mode: 'write' | 'read'; limits: WriterLimits };
const send = (m: FromStoreThread) => port.postMessage(m);

let writer: StoreWriter | undefined;
let reader: StoreReader | undefined;
let close: () => void = () => {};
try {
  if (mode === 'write') {
    const { db, setAside } = openStoreForWriting(path);
    writer = new StoreWriter(db, limits);
    close = () => {
      writer?.seal();
      db.close();
    };
    send({ type: 'opened', ...(setAside ? { setAside } : {}) });
  } else send({ type: 'opened' });
} catch (err) {
  send({ type: 'failed', error: (err as Error).message });
}

/** The reader opens at the first search: the writer may not have created the file yet at start. */
function readerNow(): StoreReader | undefined {
  if (reader) return reader;
  const db = openStoreForReading(path);
  if (!db) return undefined;
  reader = new StoreReader(db);
  close = () => db.close();
  return reader;
}

port.on('message', (m: ToStoreThread) => {
  if (m.type === 'append') {
    const records = m.records as LogRecord[];
    const result = writer
      ? writer.append(records)
      : { stored: 0, dropped: records.length, reason: 'error' as const, error: 'the store is not open' };
    send({ type: 'appended', ...result });
  } else if (m.type === 'query') {
    try {
      const r = readerNow();
      const lines = !r ? [] : m.end === 'oldest' ? r.oldest(m.limit, m.query) : r.newest(m.limit, m.query);
      send({ type: 'result', id: m.id, lines, ...(r ? { extent: r.extent() } : {}) });
    } catch (err) {
      send({ type: 'result', id: m.id, lines: [], error: (err as Error).message });
    }
  } else if (m.type === 'close') {
    try {
      close();
    } finally {
      send({ type: 'closed' });
      port.close();
    }
  }
});
