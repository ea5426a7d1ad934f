import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ContainerStatus } from '../src/model/sourceEvents';
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
  // Hosts whose link is not up, said in words: a stale "running" is worse than "unknown".
  const troubled = useConsole(
    useShallow((s) =>
      Object.values(s.sources).filter((x) => x.state !== 'connected' && x.state !== 'stopped'),
    ),
  );
  const manyHosts = new Set(containers.map((c) => c.host)).size > 1;
  const now = useConsole((s) => s.now);
  const rows = Math.max(0, height - 2 - troubled.length);
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
      {troubled.map((t) => (
        <Text key={t.id} wrap="truncate" color={color(t.state === 'failed' ? 'red' : 'yellow')}>
          {`${t.id}: ${t.state}${t.nextTryAt ? ` (next try in ${Math.max(0, Math.round((t.nextTryAt - now) / 1000))}s)` : ''}${t.reason ? ` — ${t.reason}` : ''}`}
        </Text>
      ))}
      {shown.length === 0 && troubled.length === 0 && (
        <Text wrap="truncate">waiting for the first status…</Text>
      )}
      {shown.map((c) => (
        <Text key={c.id} wrap="truncate" color={color(STATE_COLORS[c.state])}>
          {containerRow(manyHosts ? { ...c, name: `${c.host}/${c.name}` } : c, now, width)}
        </Text>
      ))}
    </Box>
  );
}
