import { Box, Text } from 'ink';
import { KEYMAP, keysLabel } from './keymap';
import { cell } from './rows';

/** Generated from the keymap, so it can never list a key that does nothing. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const bindings = KEYMAP.none;
  const keyWidth = Math.max(...bindings.map((b) => keysLabel(b).length)) + 2;
  const inner = Math.max(20, width - 4);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" paddingX={1}>
      <Text bold wrap="truncate">
        {cell('Keys (? or Esc closes)', inner)}
      </Text>
      {bindings.slice(0, Math.max(0, height - 3)).map((b) => (
        <Text key={b.action} wrap="truncate">
          {cell(`${cell(keysLabel(b), keyWidth)}${b.description}`, inner)}
        </Text>
      ))}
    </Box>
  );
}
