import { parentPort, workerData } from 'node:worker_threads';
import type { LogRecord } from '../logs/logRecord';
import { isDamaged, openStoreForReading, openStoreForWriting, setAside as setAsideStore } from './storeFile';
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

/** Opens the writer on the store; returns where a damaged file was set aside, if one was. */
function openWriter(): string | undefined {
  const { db, setAside } = openStoreForWriting(path);
  writer = new StoreWriter(db, limits);
  close = () => {
    writer?.seal();
    db.close();
  };
  return setAside;
}

try {
  if (mode === 'write') {
    const setAside = openWriter();
    send({ type: 'opened', ...(setAside ? { setAside } : {}) });
  } else send({ type: 'opened' });
} catch (err) {
  send({ type: 'failed', error: (err as Error).message });
}

/**
 * One batch into the store. A store found damaged while writing (a disk error, a file overwritten)
 * is set aside as at open, kept, and a new one started with this batch, so lines go on being stored.
 */
function append(records: LogRecord[]): FromStoreThread {
  if (!writer)
    return {
      type: 'appended',
      stored: 0,
      dropped: records.length,
      reason: 'error',
      error: 'the store is not open',
    };
  try {
    return { type: 'appended', ...writer.append(records) };
  } catch (err) {
    if (!isDamaged(err))
      return {
        type: 'appended',
        stored: 0,
        dropped: records.length,
        reason: 'error',
        error: (err as Error).message,
      };
    try {
      close();
    } catch {
      // A damaged file may refuse even to close cleanly; it is set aside either way.
    }
    writer = undefined;
    const aside = setAsideStore(path);
    openWriter();
    return {
      type: 'appended',
      ...((writer as StoreWriter | undefined)?.append(records) ?? { stored: 0, dropped: records.length }),
      setAside: aside,
    };
  }
}

/** The recording's events, or a kept range; a failure is said, and the console goes on. */
function record(m: Extract<ToStoreThread, { type: 'events' | 'keep' }>): FromStoreThread {
  const count = m.type === 'events' ? m.events.length : 0;
  try {
    if (!writer) throw new Error('the store is not open');
    if (m.type === 'keep') writer.keep(m.range);
    else writer.appendEvents(m.events);
    return { type: 'recorded', stored: count, dropped: 0 };
  } catch (err) {
    return { type: 'recorded', stored: 0, dropped: count, error: (err as Error).message };
  }
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
    send(append(m.records as LogRecord[]));
  } else if (m.type === 'query') {
    try {
      const r = readerNow();
      const lines = !r ? [] : m.end === 'oldest' ? r.oldest(m.limit, m.query) : r.newest(m.limit, m.query);
      send({ type: 'result', id: m.id, lines, ...(r ? { extent: r.extent() } : {}) });
    } catch (err) {
      send({ type: 'result', id: m.id, lines: [], error: (err as Error).message });
    }
  } else if (m.type === 'events' || m.type === 'keep') {
    send(record(m));
  } else if (m.type === 'close') {
    try {
      close();
    } finally {
      send({ type: 'closed' });
      port.close();
    }
  }
});
