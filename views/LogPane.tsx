import { Box, Text } from 'ink';
import type { LogRecord } from '../src/logs/logRecord';
import { useColor, useConsole, useConsoleContext } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { logRow } from './rows';

const LEVEL_COLORS: Partial<Record<NonNullable<LogRecord['level']>, string>> = {
  warn: 'yellow',
  error: 'red',
  fatal: 'magenta',
  debug: 'gray',
  trace: 'gray',
};

/** The lines to show: the newest, or those ending at the paused anchor. */
export function visibleLogLines(
  all: { at(i: number): LogRecord | undefined; size: number },
  rows: number,
  anchor?: number,
): LogRecord[] {
  const first = all.at(0);
  if (!first) return [];
  const end = anchor === undefined ? all.size : Math.min(all.size, Math.max(0, anchor - first.seq + 1));
  const out: LogRecord[] = [];
  for (let i = Math.max(0, end - rows); i < end; i++) out.push(all.at(i) as LogRecord);
  return out;
}

export function LogPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const color = useColor();
  const { logs } = useConsoleContext();
  // The version is the subscription: lines themselves are read from the ring buffer.
  useConsole((s) => s.logs.version);
  const follow = useConsole((s) => s.ui.followLogs);
  const anchor = useConsole((s) => s.ui.logAnchor);
  const dropped = useConsole((s) => s.logs.dropped);
  const rows = Math.max(0, height - 1);
  const lines = visibleLogLines(logs.ring, rows, follow ? undefined : anchor);
  const state = follow ? 'following' : 'PAUSED (f to follow)';
  const right = dropped > 0 ? `${state} · ${dropped} evicted` : state;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle index={3} title="Logs" focused={focused} width={width} right={right} />
      {lines.map((r) => (
        <Text
          key={r.seq}
          wrap="truncate"
          color={r.level && LEVEL_COLORS[r.level] ? color(LEVEL_COLORS[r.level] as string) : undefined}
        >
          {logRow(r, width)}
        </Text>
      ))}
    </Box>
  );
}
