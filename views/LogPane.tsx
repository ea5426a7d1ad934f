import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { compileFilter, describeFilter } from '../src/logs/logFilter';
import type { LogRecord } from '../src/logs/logRecord';
import { visibleLogLines } from '../src/logs/visibleLogLines';
import type { ConsoleState } from '../src/store/consoleStore';
import { useColor, useConsole, useConsoleContext } from './ConsoleContext';
import { wrapText } from './LogDetail';
import { PaneTitle } from './PaneTitle';
import { logRow } from './rows';

const LEVEL_COLORS: Partial<Record<NonNullable<LogRecord['level']>, string>> = {
  warn: 'yellow',
  error: 'red',
  fatal: 'magenta',
  debug: 'gray',
  trace: 'gray',
};

/** "+12ms" after the request's first line: how long it took to reach each service. */
function delayLabel(r: LogRecord, firstAt: number | undefined): string {
  return firstAt === undefined ? '' : `+${Math.max(0, r.time - firstAt)}ms `;
}

/** Errors counted from each service's logs over the last minute, most first: where to look. */
export function errorCounts(signals: ConsoleState['signals']): string {
  return Object.values(signals)
    .map((v) => ({ service: v.service, errors: Math.round((v.logRatio1m ?? 0) * v.logRequests1m) }))
    .filter((c) => c.errors > 0)
    .sort((a, b) => b.errors - a.errors || a.service.localeCompare(b.service))
    .slice(0, 3)
    .map((c) => `${c.service} ${c.errors}`)
    .join(' ');
}

export function LogPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const color = useColor();
  const { logs } = useConsoleContext();
  // The version is the subscription: lines themselves are read from the ring buffer.
  useConsole((s) => s.logs.version);
  const follow = useConsole((s) => s.ui.followLogs);
  const anchor = useConsole((s) => s.ui.logAnchor);
  const dropped = useConsole((s) => s.logs.dropped);
  const droppedBySource = useConsole((s) => s.logs.droppedBySource);
  const streams = useConsole((s) => s.logStreams);
  const wrap = useConsole((s) => s.ui.wrapLogs === true);
  const query = useConsole((s) => s.ui.logQuery);
  const errors = useConsole((s) => errorCounts(s.signals));
  const { filter, error } = useMemo(() => compileFilter(query), [query]);
  const rows = Math.max(0, height - 1);
  const history = useConsole((s) => (s.ui.logHistory?.query === query ? s.ui.logHistory : undefined));
  const storeAnchor = useConsole((s) => s.ui.logStoreAnchor);
  // Scrolled back past the ring: the store's lines up to the anchor, and none of the ring's.
  const atStore = !follow && storeAnchor !== undefined ? history?.lines[storeAnchor] : undefined;
  const recent = atStore ? [] : visibleLogLines(logs.ring, rows, follow ? undefined : anchor, filter);
  // A filter's matches older than the ring come from the log store, above the ring's own.
  const older = atStore
    ? (history as { lines: LogRecord[] }).lines.slice(
        Math.max(0, (storeAnchor as number) - rows + 1),
        (storeAnchor as number) + 1,
      )
    : filter && history && recent.length < rows
      ? history.lines.slice(-(rows - recent.length))
      : [];
  const lines = [...older, ...recent];
  const firstAt = filter?.requestId ? Math.min(...lines.map((l) => l.time)) : undefined;
  const state = `${follow ? 'following' : atStore ? `PAUSED at ${new Date(atStore.time).toISOString().slice(11, 19)}Z in the store` : 'PAUSED (f to follow)'}${wrap ? ' · wrap' : ''}`;
  const filterText = error ? `filter error: ${error}` : filter ? `${describeFilter(filter)} · ` : '';
  const worst = Object.entries(droppedBySource)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([src, n]) => `${src} ${n}`)
    .join(', ');
  // The stream cap biting is said, as stern says when --max-log-requests is reached.
  const capped =
    streams && streams.wanted > streams.streaming
      ? ` · ${streams.streaming} of ${streams.wanted} pod logs (cap ${streams.cap})`
      : '';
  const account = useConsole((s) => s.logStore);
  const since =
    account?.oldest === undefined ? '' : ` since ${new Date(account.oldest).toISOString().slice(11, 16)}Z`;
  const stored =
    !history || (history.lines.length === 0 && !history.searching && !history.error)
      ? ''
      : history.searching
        ? 'searching the store… · '
        : history.error
          ? `store: ${history.error} · `
          : `+${history.lines.length} from the store${since} · `;
  const notStored = account && account.dropped > 0 ? ` · ${account.dropped} not stored` : '';
  const tail = `${capped}${dropped > 0 ? ` · evicted ${worst}` : ''}${notStored}`;
  // Scrolled back into the store, where the pane is comes first: at 80 columns the rest is cut.
  const right = atStore
    ? `${state} · ${filterText}${stored}${tail}`
    : `${stored}${filterText}${state}${tail}`;
  const sourceWidth = firstAt === undefined ? 8 : 16;
  const row = (r: LogRecord, w: number) =>
    logRow({ ...r, source: `${delayLabel(r, firstAt)}${r.source}` }, w, sourceWidth);
  // Wrapped, a line takes as many rows as it needs and the newest rows win the space.
  const shown = wrap
    ? lines
        .flatMap((r) =>
          wrapText(row(r, 100_000).trimEnd(), width).map((text, i) => ({
            r,
            text,
            key: `${older.includes(r) ? 'h' : ''}${r.seq}:${i}`,
          })),
        )
        .slice(-rows)
    : lines.map((r, i) => ({ r, text: row(r, width), key: i < older.length ? `h${r.seq}` : String(r.seq) }));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={3}
        title={errors ? `Logs · errors/1m ${errors} (E)` : 'Logs'}
        focused={focused}
        width={width}
        right={right}
      />
      {shown.map(({ r, text, key }) => (
        <Text
          key={key}
          wrap="truncate"
          inverse={atStore ? r === atStore : !follow && r.seq === anchor && !key.startsWith('h')}
          color={r.level && LEVEL_COLORS[r.level] ? color(LEVEL_COLORS[r.level] as string) : undefined}
        >
          {text}
        </Text>
      ))}
    </Box>
  );
}
