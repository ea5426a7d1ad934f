import { Text } from 'ink';
import { useConsole } from './ConsoleContext';
import { cell } from './rows';

export function StatusBar({ width }: { width: number }) {
  const message = useConsole((s) => s.ui.message);
  const received = useConsole((s) => s.logs.received);
  const hints = '? help · D declare · n note · t timeline · q quit';
  const left = message ?? `${received} log lines`;
  const gap = Math.max(1, width - left.length - hints.length);
  return (
    <Text wrap="truncate" inverse>
      {cell(`${left}${' '.repeat(gap)}${hints}`, width)}
    </Text>
  );
}
