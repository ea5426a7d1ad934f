import { Box, Text } from 'ink';
import { useConsole, useConsoleContext } from './ConsoleContext';
import { cell } from './rows';

export function PaletteOverlay({ width, height }: { width: number; height: number }) {
  const { query, cursor } = useConsole((s) => s.ui.palette);
  const entries = useConsoleContext().controls.paletteEntries(query);
  const inner = Math.max(10, width - 4);
  const rows = Math.max(1, height - 4);
  const selected = Math.min(cursor, Math.max(0, entries.length - 1));
  const start = Math.max(0, selected - rows + 1);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" paddingX={1}>
      <Text bold wrap="truncate">
        {cell(`: ${query}█`, inner)}
      </Text>
      {entries.length === 0 && <Text wrap="truncate">no action matches</Text>}
      {entries.slice(start, start + rows).map((e, i) => (
        <Text
          key={`${e.binding.action}:${e.binding.description}`}
          wrap="truncate"
          inverse={start + i === selected}
        >
          {cell(`${start + i === selected ? '▶ ' : '  '}${e.label}`, inner)}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {cell('type to search · ↑/↓ choose · Enter run · Esc close', inner)}
      </Text>
    </Box>
  );
}
