import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ContainerStatus } from '../src/sources/events';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { containerHeader, containerRow } from './rows';

const STATE_COLORS: Record<ContainerStatus['state'], string> = {
  running: 'green',
  starting: 'yellow',
  restarting: 'yellow',
  exited: 'red',
  stopped: 'gray',
  unknown: 'gray',
};

export function ContainerPane({
  width,
  height,
  focused,
}: {
  width: number;
  height: number;
  focused: boolean;
}) {
  const color = useColor();
  const containers = useConsole(useShallow((s) => Object.values(s.containers)));
  const now = useConsole((s) => s.now);
  const rows = Math.max(0, height - 2);
  const shown = [...containers]
    .sort((a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name))
    .slice(0, rows);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={1}
        title="Containers"
        focused={focused}
        width={width}
        right={`${containers.length}`}
      />
      <Text wrap="truncate" dimColor>
        {containerHeader(width)}
      </Text>
      {shown.length === 0 && <Text wrap="truncate">waiting for the first status…</Text>}
      {shown.map((c) => (
        <Text key={c.id} wrap="truncate" color={color(STATE_COLORS[c.state])}>
          {containerRow(c, now, width)}
        </Text>
      ))}
    </Box>
  );
}
