import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ConsoleState } from '../src/store/consoleStore';
import { useConsole } from './ConsoleContext';
import { dataAccount } from './dataAccount';
import { cell, clockTime, wrapWords } from './rows';
import { triageLines } from './TriagePane';

/** Everything the header and the triage pane cut at the screen's width, in full. */
export function dataDetailLines(s: ConsoleState): string[] {
  const d = s.diagnosis;
  const account = dataAccount(s);
  const lines: string[] = account
    ? [account, '']
    : ['The data points at nothing yet: no failing template, no release before the errors.', ''];
  if (d?.change)
    lines.push(
      `change: ${d.change.service} ${d.change.from ? `${d.change.from} → ` : ''}${d.change.to} at ${clockTime(d.change.at)}${d.errorsBeganAt === undefined ? '' : `; errors began ${clockTime(d.errorsBeganAt)}`}`,
    );
  for (const p of d?.patterns ?? [])
    lines.push(`${p.kind} on ${p.service}, ${p.count} lines since ${clockTime(p.firstSeen)}: ${p.template}`);
  if (d?.origin)
    lines.push(
      `origin: ${d.origin.service} fails first in ${Math.round(d.origin.share * 100)}% of ${d.origin.requests} requests that failed on several services`,
    );
  const last = s.incident.events.at(-1);
  if (last) lines.push(`latest event: ${clockTime(last.at)} ${last.text}`);
  if (s.triage) lines.push('', ...triageLines(s.triage, s.now).map((l) => l.text.trim()));
  return lines;
}

/** `i`: the data's account and the triage's evidence, wrapped to the screen (Esc closes). */
export function DataDetail({ width, height }: { width: number; height: number }) {
  const lines = useConsole(useShallow(dataDetailLines));
  return (
    <WrappedDetail title="What the data says (Esc closes)" lines={lines} width={width} height={height} />
  );
}

/**
 * Lines wrapped at word boundaries inside a box, under a title: what a pane had to cut. `scroll`
 * rows from the top (from the bottom when `fromBottom`, as a log reads), kept within the lines.
 */
export function WrappedDetail({
  title,
  lines,
  width,
  height,
  scroll = 0,
  fromBottom = false,
}: {
  title: string;
  lines: readonly string[];
  width: number;
  height: number;
  scroll?: number;
  fromBottom?: boolean;
}) {
  const inner = Math.max(10, width - 4);
  const wrapped = lines.flatMap((l) => wrapWords(l, inner));
  const fits = Math.max(0, height - 3);
  const over = Math.max(0, wrapped.length - fits);
  const top = fromBottom ? over - Math.min(scroll, over) : Math.min(scroll, over);
  const rows = wrapped.slice(top, top + fits);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" paddingX={1}>
      <Text bold wrap="truncate">
        {cell(title, inner)}
      </Text>
      {rows.slice(0, Math.max(0, height - 3)).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={i} wrap="truncate">
          {cell(l, inner)}
        </Text>
      ))}
    </Box>
  );
}
