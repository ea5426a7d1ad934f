import { Box, Text } from 'ink';
import { helpBindings, keysLabel } from '../src/session/keymap';
import { useConsole } from './ConsoleContext';
import { cell } from './rows';

/** Generated from the keymap, so it can never list a key that does nothing. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const view = useConsole((s) => (s.ui.helpOfDescribe ? 'describe' : s.ui.view));
  const replay = useConsole((s) => s.replay !== undefined);
  const bindings = helpBindings([view === 'describe' ? 'container' : view], replay);
  // No border: at 80x24 every binding must fit, and the frame costs two rows.
  const inner = Math.max(20, width - 1);
  const columns = inner >= 70 ? 2 : 1;
  const colWidth = Math.floor(inner / columns);
  const keyWidth = Math.max(...bindings.map((b) => keysLabel(b).length)) + 1;
  const rows = Math.ceil(bindings.length / columns);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < columns; c++) {
      const b = bindings[c * rows + r];
      if (b) line += cell(`${cell(keysLabel(b), keyWidth)}${b.description}`, colWidth);
    }
    lines.push(line);
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate">
        {cell(`Keys in the ${view} view (? or Esc closes). In a prompt: Enter accepts, Esc cancels.`, inner)}
      </Text>
      {lines.slice(0, Math.max(0, height - 1)).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Text key={i} wrap="truncate">
          {cell(l, inner)}
        </Text>
      ))}
    </Box>
  );
}
