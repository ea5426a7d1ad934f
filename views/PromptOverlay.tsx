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
        <PromptText value={prompt.value} cursor={prompt.cursor} width={inner} />
      )}
      <Text wrap="truncate" dimColor>
        {cell(
          !prompt.choices
            ? `Enter accepts · Esc ${prompt.keepAs ? 'keeps it unsent' : 'cancels'} · ←→ Home End move`
            : prompt.value
              ? `press ${choiceKeys(prompt.choices)} · Enter accepts ${prompt.value} · Esc cancels`
              : `press ${choiceKeys(prompt.choices)} · Esc cancels`,
          inner,
        )}
      </Text>
    </Box>
  );
}

/** The keys a choice prompt takes, as the hint says them: `1-4`, or `y/n`. */
function choiceKeys(choices: readonly { key: string }[]): string {
  const keys = choices.map((c) => c.key);
  const digits = keys.every((k) => /^\d$/.test(k));
  return digits && keys.length > 2 ? `${keys[0]}-${keys.at(-1)}` : keys.join('/');
}

/** The most rows a prompt's text takes: an update is a paragraph, the panes must stay in sight. */
const PROMPT_TEXT_ROWS = 6;

/**
 * The text being typed, wrapped by characters so every one is seen, with the cursor shown where
 * typing goes (inverse), and the rows around the cursor when it is longer than the box.
 */
function PromptText({ value, cursor, width }: { value: string; cursor: number | undefined; width: number }) {
  const chars = [...value];
  const at = Math.min(cursor ?? chars.length, chars.length);
  const per = Math.max(1, width - 2);
  const rows: string[][] = [];
  for (let i = 0; i <= chars.length; i += per) rows.push(chars.slice(i, i + per));
  const cursorRow = Math.floor(at / per);
  if (cursorRow >= rows.length) rows.push([]);
  const first = Math.max(0, Math.min(cursorRow - PROMPT_TEXT_ROWS + 1, rows.length - PROMPT_TEXT_ROWS));
  return (
    <>
      {rows.slice(first, first + PROMPT_TEXT_ROWS).map((row, i) => {
        const r = first + i;
        const prefix = r === 0 ? '> ' : '  ';
        if (r !== cursorRow)
          return (
            <Text key={`t${r}`} wrap="truncate">
              {cell(prefix + row.join(''), width)}
            </Text>
          );
        const col = at - r * per;
        return (
          <Text key={`t${r}`} wrap="truncate">
            {prefix}
            {row.slice(0, col).join('')}
            {/* At the end of the text a block, as before; on a character, that character inverted. */}
            {row[col] === undefined ? '█' : <Text inverse>{row[col]}</Text>}
            {cell(row.slice(col + 1).join(''), Math.max(0, width - 3 - col))}
          </Text>
        );
      })}
    </>
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
