import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ServiceSignalsView } from '../src/metrics/serviceSignals';
import { formatPercent } from '../src/text/duration';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { headlineRule, rateHeader, rateRow } from './rows';

function rowColor(v: ServiceSignalsView): string {
  if (v.unknownReason) return 'gray';
  const rule = headlineRule(v.rules);
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
  const signals = [...useConsole(useShallow((s) => Object.values(s.signals)))].sort((a, b) =>
    a.service.localeCompare(b.service),
  );
  const rows = Math.max(0, height - 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={2}
        title="Error rates (5xx)"
        focused={focused}
        width={width}
        right={`line ${formatPercent(threshold, 0)}`}
      />
      <Text wrap="truncate" dimColor>
        {rateHeader(width)}
      </Text>
      {signals.length === 0 && <Text wrap="truncate">waiting for the first metrics…</Text>}
      {signals.slice(0, rows).map((v) => (
        <Text key={v.service} wrap="truncate" color={color(rowColor(v))}>
          {rateRow(v, threshold, width)}
        </Text>
      ))}
    </Box>
  );
}
