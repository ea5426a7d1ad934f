import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { failureRole } from '../src/logs/requestOrigins';
import type { ServiceSignalsView } from '../src/metrics/serviceSignals';
import { matchesQuery, serviceRows, windowOf } from '../src/store/paneRows';
import { formatPercent } from '../src/text/duration';
import { sanitize } from '../src/text/sanitize';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { cell, headlineRule, rateHeader, rateRow } from './rows';

function rowColor(v: ServiceSignalsView): string {
  const rule = headlineRule(v.rules);
  if (v.unknownReason && !rule) return 'gray';
  if (rule?.state === 'firing') return rule.severity === 'critical' ? 'red' : 'yellow';
  if (rule?.state === 'pending') return 'yellow';
  return 'green';
}

export function ErrorRatePane({
  width,
  height,
  focused,
  threshold,
}: {
  width: number;
  height: number;
  focused: boolean;
  threshold: number;
}) {
  const color = useColor();
  const query = useConsole((s) => s.ui.serviceQuery);
  const cursor = useConsole((s) => s.ui.serviceCursor);
  const all = useConsole(useShallow((s) => Object.values(s.signals)));
  const signals = serviceRows(all, query);
  const expected = useConsole((s) => s.expected.services);
  const origins = useConsole((s) => s.origins);
  // Configured services with nothing to show yet: each says why rather than staying blank.
  const silent = Object.entries(expected).filter(
    ([name]) => !all.some((v) => v.service === name) && matchesQuery(name, query),
  );
  const win = windowOf(signals.length, Math.max(0, height - 2), cursor);
  const selected = Math.min(cursor, signals.length - 1);
  const hidden = win.above + win.below;
  const filterNote = query ? `${signals.length} of ${all.length} "${sanitize(query)}" · ` : '';
  const hiddenNote =
    hidden > 0 ? `${hidden} more ${win.above > 0 ? '↑' : ''}${win.below > 0 ? '↓' : ''} · ` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={2}
        title="Error rates (5xx)"
        focused={focused}
        width={width}
        right={`${filterNote}${hiddenNote}line ${formatPercent(threshold, 0)}`}
      />
      <Text wrap="truncate" dimColor>
        {rateHeader(width)}
      </Text>
      {signals.length === 0 && silent.length === 0 && (
        <Text wrap="truncate">
          {query
            ? `no service matches "${sanitize(query)}"`
            : 'waiting for the first metrics or request logs…'}
        </Text>
      )}
      {signals.slice(win.start, win.end).map((v, i) => (
        <Text
          key={v.service}
          wrap="truncate"
          inverse={focused && win.start + i === selected}
          color={color(rowColor(v))}
        >
          {rateRow(v, threshold, width, failureRole(origins, v.service))}
        </Text>
      ))}
      {silent.slice(0, Math.max(0, height - 2 - (win.end - win.start))).map(([name, feeds]) => (
        <Text key={`silent:${name}`} wrap="truncate" color={color('gray')}>
          {cell(
            `${cell(name, 12)} ${feeds.length === 0 ? 'no metrics, health checks or request logs configured' : `no data yet from its ${feeds.join(', ')}`}`,
            width,
          )}
        </Text>
      ))}
    </Box>
  );
}
