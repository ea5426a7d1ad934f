import type { LogBuffer } from '../logs/logBuffer';
import { compileFilter, type LogFilter } from '../logs/logFilter';
import type { LogRecord } from '../logs/logRecord';
import type { ConsoleStore } from '../store/consoleStore';

/** Searches the log store (answered off this thread): the newest `limit` matches, or the oldest. */
export type HistorySearch = (
  query: { filter: LogFilter; since?: number; until?: number },
  limit: number,
  end?: 'newest' | 'oldest',
) => Promise<{ lines: LogRecord[]; error?: string }>;

/** How many of a filter's older matches a screen keeps: a pane's worth many times over. */
export const HISTORY_LINES = 1000;
/** A filter typed live is searched once it has rested this long. */
const SETTLE_MS = 200;

/**
 * A screen's filter answered from the whole log store, not only the ring: when the filter (`/`,
 * `rid:`, the `r` pivot, a template's lines) changes, the store is searched for its matches older
 * than the ring's oldest line, and the pane shows them above the ring's own. Only the latest
 * filter's answer is kept.
 */
export function followLogHistory(
  store: ConsoleStore,
  logs: LogBuffer,
  search: HistorySearch,
  /** Told of each filter searched (a pivot on a request is worth a record during an incident). */
  onAsked: (filter: LogFilter) => void = () => {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let asked = '';
  const ask = (query: string) => {
    const { filter } = compileFilter(query);
    if (!filter) {
      // Another filter's lines go; the pane's own scroll-back into the store (query '') stays.
      const held = store.getState().ui.logHistory;
      if (held && held.query !== query) store.setState((s) => ({ ui: { ...s.ui, logHistory: undefined } }));
      return;
    }
    onAsked(filter);
    const oldest = logs.ring.at(0);
    store.setState((s) => ({ ui: { ...s.ui, logHistory: { query, lines: [], searching: true } } }));
    void search({ filter, ...(oldest && { until: oldest.time }) }, HISTORY_LINES).then((answer) => {
      if (store.getState().ui.logQuery !== query) return; // a newer filter asked since
      const inRing = new Set<string>();
      for (let i = 0; i < logs.ring.size; i++) inRing.add(identity(logs.ring.at(i) as LogRecord));
      const lines = answer.lines.filter((r) => !inRing.has(identity(r)));
      store.setState((s) => ({
        ui: {
          ...s.ui,
          logHistory: { query, lines, searching: false, ...(answer.error && { error: answer.error }) },
        },
      }));
    });
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const query = state.ui.logQuery;
    if (query === previous.ui.logQuery) return;
    // A place in one filter's stored lines means nothing in another's: the pane leaves the store.
    if (state.ui.logStoreAnchor !== undefined)
      store.setState((s) => ({ ui: { ...s.ui, logStoreAnchor: undefined } }));
    if (query === asked) return;
    asked = query;
    clearTimeout(timer);
    timer = setTimeout(() => ask(query), SETTLE_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

/** A line as the store and the ring both hold it (their sequence numbers differ). */
export function identity(r: LogRecord): string {
  return `${r.time}\u0000${r.source}\u0000${r.text}`;
}
