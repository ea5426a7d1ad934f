import { Box, Text } from 'ink';
import { useConsole } from './ConsoleContext';
import { cell, wrapWords } from './rows';

/** A one-question box: free text with a cursor, or choices picked by their key. */
export function PromptOverlay({ width }: { width: number }) {
  const prompt = useConsole((s) => s.ui.prompt);
  if (!prompt) return null;
  const inner = Math.max(10, width - 4);
  // The question is wrapped, never cut: a typed confirmation names the whole command it runs.
  const label = wrapWords(`${prompt.label}${prompt.carry ? ` for "${prompt.carry}"` : ''}`, inner);
  const details = (prompt.details ?? []).flatMap((line) => wrapWords(line, inner));
  return (
    <Box flexDirection="column" width={width} borderStyle="double" paddingX={1}>
      {label.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fixed while the prompt is open
        <Text key={`l${i}`} bold wrap="truncate">
          {cell(line, inner)}
        </Text>
      ))}
      {details.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fixed while the prompt is open
        <Text key={`d${i}`} wrap="truncate" dimColor>
          {cell(line, inner)}
        </Text>
      ))}
      {prompt.choices ? (
        prompt.choices.map((c) => (
          <Text key={c.key} wrap="truncate">
            {cell(`${c.key}  ${c.label}`, inner)}
          </Text>
        ))
      ) : (
        <Text wrap="truncate">{cell(`> ${[...prompt.value].slice(-(inner - 3)).join('')}█`, inner)}</Text>
      )}
      <Text wrap="truncate" dimColor>
        {cell(
          !prompt.choices
            ? 'Enter accepts · Esc cancels'
            : prompt.value
              ? `press a number · Enter accepts ${prompt.value} · Esc cancels`
              : 'press a number · Esc cancels',
          inner,
        )}
      </Text>
    </Box>
  );
}

/** The log filter being typed, on one line above the logs it filters. */
export function FilterBar({ width }: { width: number }) {
  const value = useConsole((s) => s.ui.prompt?.value ?? '');
  const pane = useConsole((s) => s.ui.prompt?.filterOf ?? 'logs');
  const hint =
    pane === 'logs'
      ? 'rid:ID level:warn src:api word -word /re/'
      : pane === 'alerts'
        ? 'alerts: name, label=value, state'
        : `${pane === 'rates' ? 'services' : 'containers'}: words`;
  return (
    <Text wrap="truncate" inverse>
      {cell(`/ ${value}█   ${hint} · Enter keep · Esc cancel`, width)}
    </Text>
  );
}
