import { Box, Text } from 'ink';
import type { ConsoleState } from '../src/store/consoleStore';
import { useConsole } from './ConsoleContext';
import { cell, wrapWords } from './rows';

/** How long a status message stays: long enough to read, short enough not to go stale. */
export const MESSAGE_SHOWN_MS = 8_000;
/** The most rows a long message (an export path) may take from the panes above it. */
const MAX_STATUS_ROWS = 3;
const HINTS = '? help · D declare · n note · t timeline · q quit';
/** A replay's own keys; in practice the trainee declares and triages. */
const REPLAY_HINTS = '? help · Space play · < > speed · [ ] entries · q quit';
const PRACTICE_HINTS = '? help · Space play · < > speed · D declare · T triage · q quit';
/** In the describe view its own keys are in its title; these are the ones to move and leave. */
const DESCRIBE_HINTS = 'j/k scroll · PgUp/PgDn page · Esc back';

/**
 * The newest status message while it is fresh, by the store's clock: this screen's own, or one the
 * shared session addressed to everyone or to this screen's person.
 */
export function freshMessage(s: ConsoleState): string | undefined {
  const me = s.ui.me?.name;
  const shared = s.announcements.findLast((a) => a.to === undefined || a.to === me);
  const own = s.ui.message === undefined ? undefined : { text: s.ui.message, at: s.ui.messageAt };
  const newest = !shared || (own && (own.at === undefined || own.at >= shared.at)) ? own : shared;
  if (!newest) return undefined;
  return newest.at === undefined || s.now - newest.at < MESSAGE_SHOWN_MS ? newest.text : undefined;
}

/**
 * The status line's rows: the message and the key hints on one row when they fit; a message that
 * does not fit is wrapped (a path cut short is of no use) and the hints give way to it.
 */
export function statusRows(
  message: string | undefined,
  received: number,
  width: number,
  hints = HINTS,
): string[] {
  const left = message ?? `${received} log lines`;
  const length = [...left].length;
  if (length + 1 + hints.length <= width)
    return [cell(`${left}${' '.repeat(width - length - hints.length)}${hints}`, width)];
  if (length <= width) return [cell(left, width)];
  return wrapWords(left, width)
    .slice(0, MAX_STATUS_ROWS)
    .map((row) => cell(row, width));
}

export function StatusBar({ width }: { width: number }) {
  const message = useConsole(freshMessage);
  const received = useConsole((s) => s.logs.received);
  const describing = useConsole((s) => s.ui.overlay === 'container');
  const replay = useConsole((s) => (s.replay ? (s.replay.practice ? 'practice' : 'replay') : undefined));
  const hints = describing
    ? DESCRIBE_HINTS
    : replay === 'practice'
      ? PRACTICE_HINTS
      : replay
        ? REPLAY_HINTS
        : HINTS;
  return (
    <Box flexDirection="column">
      {statusRows(message, received, width, hints).map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Text key={i} wrap="truncate" inverse>
          {row}
        </Text>
      ))}
    </Box>
  );
}
