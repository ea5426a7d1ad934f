import { Box, Text } from 'ink';
import { sparkline } from '../src/metrics/sparkline';
import { windowOf } from '../src/store/paneRows';
import { patternsInMode } from '../src/store/patternRows';
import { formatDuration } from '../src/text/duration';
import { useColor, useConsole, useConsoleContext } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { cell } from './rows';

const MODE_TITLES = { new: 'new since the release', spiking: 'spiking', all: 'all' } as const;
const SPARK = 12;

/** The templates mined from the logs: what is new since each service's release, what spikes, all. */
export function PatternsPane({ width, height }: { width: number; height: number }) {
  const color = useColor();
  const { logs } = useConsoleContext();
  const rows = useConsole((s) => patternsInMode(logs.patterns, s));
  const mode = useConsole((s) => s.ui.patternMode);
  const cursor = useConsole((s) => s.ui.patternCursor);
  const selected = rows[Math.min(cursor, rows.length - 1)];
  const now = useConsole((s) => s.now);
  const free = Math.max(0, height - 3);
  const win = windowOf(rows.length, free, cursor);
  const hidden = win.above + win.below;
  const right = `${rows.length}${hidden > 0 ? ` · ${hidden} more` : ''} · v mode · Enter lines · r request`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle index={7} title={`Log patterns: ${MODE_TITLES[mode]}`} focused width={width} right={right} />
      <Text wrap="truncate" dimColor>
        {cell(
          `${cell('', 6)}${cell('SERVICE', 10)}${cell('COUNT', 7)}${cell('FIRST', 7)}${cell('LAST 30m', SPARK + 1)}TEMPLATE`,
          width,
        )}
      </Text>
      {rows.length === 0 && (
        <Text wrap="truncate">
          {mode === 'new'
            ? 'no template new since a release (v: spiking, all)'
            : mode === 'spiking'
              ? 'nothing spiking against the 30 minutes before (v: all)'
              : 'no log lines yet'}
        </Text>
      )}
      {rows.slice(win.start, win.end).map((r) => {
        const mark = r.isNew ? 'NEW' : r.spiking ? 'SPIKE' : '';
        const spark = sparkline(r.perMinute.slice(-SPARK), Math.max(1, ...r.perMinute));
        return (
          <Text
            key={r.key}
            wrap="truncate"
            inverse={r.key === selected?.key}
            color={color(r.errorShare > 0.5 ? 'red' : r.isNew || r.spiking ? 'yellow' : 'white')}
          >
            {cell(
              `${cell(mark, 6)}${cell(r.source, 10)}${cell(String(r.count), 7)}${cell(formatDuration(now - r.firstSeen), 7)}${cell(spark, SPARK + 1)}${r.template}`,
              width,
            )}
          </Text>
        );
      })}
      {selected && (
        <Text wrap="truncate" dimColor>
          {cell(`e.g. ${selected.sample}`, width)}
        </Text>
      )}
    </Box>
  );
}
