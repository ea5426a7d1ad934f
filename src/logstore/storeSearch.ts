import { Worker } from 'node:worker_threads';
import type { LogRecord } from '../logs/logRecord';
import type { StoreExtent, StoreQuery } from './storeReader';
import type { FromStoreThread, ToStoreThread } from './threadMessages';

export interface SearchAnswer {
  lines: LogRecord[];
  extent?: StoreExtent;
  error?: string;
}

/**
 * The console's searches of its log store, answered by a read-only thread of their own (started at
 * the first search), newest matches first kept. Searches are answered in the order asked; the
 * caller keeps the answer to its latest question.
 */
export class StoreSearch {
  private worker?: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, (a: SearchAnswer) => void>();

  constructor(
    private readonly path: string,
    private readonly workerScript: string | URL,
  ) {}

  search(query: StoreQuery, limit: number, end: 'newest' | 'oldest' = 'newest'): Promise<SearchAnswer> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ type: 'query', id, query, limit, end } satisfies ToStoreThread);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.settleAll('the search was stopped');
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript, { workerData: { path: this.path, mode: 'read' } });
    worker.unref();
    worker.on('message', (m: FromStoreThread) => {
      if (m.type !== 'result') return;
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.({
        lines: m.lines,
        ...(m.extent && { extent: m.extent }),
        ...(m.error && { error: m.error }),
      });
    });
    const gone = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      this.settleAll(why);
    };
    worker.on('error', (err) => gone(`the search stopped: ${err.message}`));
    worker.on('exit', () => gone('the search stopped'));
    this.worker = worker;
    return worker;
  }

  private settleAll(error: string): void {
    for (const resolve of this.waiting.values()) resolve({ lines: [], error });
    this.waiting.clear();
  }
}
