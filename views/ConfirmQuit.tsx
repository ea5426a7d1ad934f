import { Box, Text } from 'ink';
import { useConsole } from './ConsoleContext';

export function ConfirmQuit({ width }: { width: number }) {
  const incident = useConsole((s) => s.incident.active);
  return (
    <Box flexDirection="column" width={width} borderStyle="double" paddingX={1}>
      <Text wrap="truncate" bold>
        Quit while incident {incident?.id ?? ''} is open?
      </Text>
      <Text wrap="truncate">Everything recorded is on disk; the incident resumes when you start again.</Text>
      <Text wrap="truncate">y quit · n stay</Text>
    </Box>
  );
}
