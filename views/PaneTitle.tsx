import { Text } from 'ink';
import { useColor } from './ConsoleContext';
import { cell } from './rows';

/** One-row pane title; the focused pane is marked with ▶ and inverse video, not colour alone. */
export function PaneTitle({
  index,
  title,
  focused,
  right,
  width,
}: {
  index: number;
  title: string;
  focused: boolean;
  right?: string;
  width: number;
}) {
  const color = useColor();
  const left = `${focused ? '▶' : ' '} ${index} ${title} `;
  const tail = right ? ` ${right} ` : '';
  const fill = '─'.repeat(Math.max(0, width - [...left].length - [...tail].length));
  return (
    <Text wrap="truncate" bold={focused} color={color(focused ? 'cyan' : 'gray')}>
      {cell(`${left}${fill}${tail}`, width)}
    </Text>
  );
}
