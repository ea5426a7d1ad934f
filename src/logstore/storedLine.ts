import { LEVELS, type Level, type LogRecord } from '../logs/logRecord';

/**
 * A log line as the store keeps it: a positional tuple, because a block holds thousands and field
 * names repeated in each would cost more than the line. The message is kept only where it differs
 * from the text (for most lines it is the text itself).
 */
export type StoredLine = [
  time: number,
  source: string,
  level: Level | null,
  requestId: string | null,
  status: number | null,
  pattern: string | null,
  text: string,
  message: string | null,
  /** 1: the time came from the line; 2: the line was JSON or logfmt. */
  flags: number,
];

const FROM_LINE = 1;
const STRUCTURED = 2;

export function toStoredLine(r: LogRecord): StoredLine {
  return [
    r.time,
    r.source,
    r.level ?? null,
    r.requestId ?? null,
    r.status ?? null,
    r.pattern ?? null,
    r.text,
    r.message === r.text ? null : r.message,
    (r.timeFromLine ? FROM_LINE : 0) | (r.structured ? STRUCTURED : 0),
  ];
}

/** A stored line back as a record; `seq` is its place in the store. Throws on a malformed tuple. */
export function fromStoredLine(line: unknown, seq: number): LogRecord {
  if (!Array.isArray(line) || line.length !== 9) throw new Error('a stored line is not a 9-field tuple');
  const [time, source, level, requestId, status, pattern, text, message, flags] = line as unknown[];
  if (
    typeof time !== 'number' ||
    typeof source !== 'string' ||
    typeof text !== 'string' ||
    typeof flags !== 'number'
  )
    throw new Error('a stored line has a field of the wrong type');
  const record: LogRecord = {
    seq,
    source,
    time,
    timeFromLine: (flags & FROM_LINE) !== 0,
    message: typeof message === 'string' ? message : text,
    text,
  };
  // A multi-line record (a stack trace) is stored whole: its line count comes back with it.
  const lines = text.split('\n').length;
  if (lines > 1) record.lines = lines;
  if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level))
    record.level = level as Level;
  if (typeof requestId === 'string') record.requestId = requestId;
  if (typeof status === 'number') record.status = status;
  if (typeof pattern === 'string') record.pattern = pattern;
  if (flags & STRUCTURED) record.structured = true;
  return record;
}
