import { Box, Text } from 'ink';
import type { LogRecord } from '../src/logs/logRecord';
import { sanitize } from '../src/text/sanitize';
import { useConsole, useConsoleContext } from './ConsoleContext';
import { cell, clockTime } from './rows';

/** The lines of the detail view: a JSON line pretty-printed, anything else wrapped; all sanitized. */
export function detailLines(r: LogRecord, width: number): string[] {
  let body: string[];
  try {
    const parsed: unknown = JSON.parse(r.text);
    // JSON.stringify escapes C0 controls but not C1 or bidi characters: sanitize again.
    body = JSON.stringify(parsed, null, 2)
      .split('\n')
      .map((l) => sanitize(l));
  } catch {
    // A multi-line record (a stack trace) shows every line it holds.
    body = r.text.split('\n');
  }
  const head = [
    `${new Date(r.time).toISOString()} (${r.timeFromLine ? 'from the line' : 'received'}) · ${r.source}`,
    `level ${r.level ?? '-'} · request ${r.requestId ?? '-'} · status ${r.status ?? '-'}`,
    '',
  ];
  return [...head, ...body].flatMap((l) => wrapText(l, width));
}

export function wrapText(text: string, width: number): string[] {
  const chars = [...text];
  if (width <= 0 || chars.length <= width) return [text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out;
}

export function LogDetail({ width, height }: { width: number; height: number }) {
  const { logs } = useConsoleContext();
  const seq = useConsole((s) => s.ui.detailSeq);
  const stored = useConsole((s) => s.ui.detailLine);
  const first = logs.ring.at(0);
  const record = stored ?? (first && seq !== undefined ? logs.ring.at(seq - first.seq) : undefined);
  const inner = Math.max(10, width - 4);
  const lines = record ? detailLines(record, inner) : ['that line is no longer kept'];
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" paddingX={1}>
      <Text bold wrap="truncate">
        {cell(`Log line ${record ? clockTime(record.time) : ''} (Esc closes)`, inner)}
      </Text>
      {lines.slice(0, Math.max(0, height - 3)).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={i} wrap="truncate">
          {cell(l, inner)}
        </Text>
      ))}
    </Box>
  );
}
