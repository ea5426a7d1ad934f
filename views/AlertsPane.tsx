import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { alertRows, windowOf } from '../src/store/paneRows';
import { formatDuration } from '../src/text/duration';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { cell } from './rows';

const SEVERITY_COLORS: Record<string, string> = {
  critical: 'red',
  page: 'red',
  error: 'red',
  warning: 'yellow',
};

/** The environment's alerts, grouped by name and service, most severe first, then the oldest. */
export function AlertsPane({ width, height }: { width: number; height: number }) {
  const color = useColor();
  const list = useConsole(useShallow((s) => s.alerts?.list ?? []));
  const unknown = useConsole((s) => s.alerts?.unknown);
  const cursor = useConsole((s) => s.ui.alertCursor);
  const now = useConsole((s) => s.now);
  const rows = useMemo(() => alertRows(list), [list]);
  const space = Math.max(0, height - 2 - (unknown ? 1 : 0));
  const win = windowOf(rows.length, space, cursor);
  const selected = Math.min(cursor, rows.length - 1);
  const firing = list.filter((a) => a.state === 'firing').length;
  const hidden = win.above + win.below;
  const right = `${firing} firing · ${list.length - firing} quiet${hidden > 0 ? ` · ${hidden} more` : ''} · A closes`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle index={6} title={`Alerts (${rows.length} groups)`} focused width={width} right={right} />
      <Text wrap="truncate" dimColor>
        {cell(
          `${cell('SEVERITY', 9)}${cell('ALERT', 22)}${cell('SERVICE', 12)}${cell('N', 5)}${cell('SINCE', 8)}SUMMARY`,
          width,
        )}
      </Text>
      {unknown && (
        <Text wrap="truncate" color={color('yellow')}>
          {cell(`alerts unknown, showing the last list: ${unknown}`, width)}
        </Text>
      )}
      {rows.length === 0 && <Text wrap="truncate">no alerts</Text>}
      {rows.slice(win.start, win.end).map((r, i) => (
        <Text
          key={r.key}
          wrap="truncate"
          inverse={win.start + i === selected}
          color={color(r.firing > 0 ? (SEVERITY_COLORS[r.severity] ?? 'white') : 'gray')}
        >
          {cell(
            `${cell(r.severity, 9)}${cell(r.name, 22)}${cell(r.service, 12)}${cell(r.quiet === r.count ? `${r.count}q` : String(r.count), 5)}${cell(formatDuration(now - r.since), 8)}${r.summary}`,
            width,
          )}
        </Text>
      ))}
    </Box>
  );
}
