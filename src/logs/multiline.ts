import { sanitize } from '../text/sanitize';
import type { LogRecord } from './logRecord';

/**
 * Multi-line records: a Python traceback, a Java stack trace, a Go panic or a Node error stack is
 * one record with the level and time of its first line. Per source, a line that cannot start a
 * record is joined to the one before it, if that one came within `JOIN_WINDOW_MS`: two services
 * interleaved never merge, and a stray indented line an hour later is its own.
 *
 * Only shapes that plainly continue are joined (frames, `Caused by:`, `... 12 more`, a traceback's
 * indented lines and its closing exception line, a goroutine dump): a line that merely starts with
 * a space is a record of its own, since many logs indent for other reasons.
 */
export const JOIN_WINDOW_MS = 1_000;
/** A record never grows past this many lines (a runaway dump is cut into several records). */
export const MAX_RECORD_LINES = 1000;

/** What the lines so far of a record have opened: the shape the next lines are read in. */
type Block = 'none' | 'python' | 'python-end' | 'go' | 'stack';

const FRAME = /^\s+at\s/;
const MORE = /^\s*\.\.\. \d+ (?:more|common frames omitted)\s*$/;
const CAUSED = /^(?:Caused by|\s*Suppressed): /;
const TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
const CHAINED =
  /^(?:During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception):\s*$/;
/** The exception a traceback ends with: `ValueError: bad`, `requests.exceptions.Timeout`, `KeyError`. */
const PY_EXCEPTION = /^[A-Za-z_][\w.]*(?::\s.*|:)?$/;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;
const GO_PANIC = /^(?:panic|fatal error): /;
/** A Go frame's function line (`main.handler(0xc000010000)`) or its file line (`\t/app/main.go:12 +0x1d`). */
const GO_FRAME = /^(?:\t|[\w./*()-]+\(.*\)\s*$|created by |\[signal |exit status \d+)/;
/** `java.lang.IllegalStateException: msg` or `TypeError: msg` on a line of its own after an error. */
const EXCEPTION_LINE =
  /^(?:(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)|[A-Z]\w*(?:Error|Exception))(?::\s.*)?$/;

interface SourceState {
  block: Block;
  /** When the last line of this source came (the runtime's time, or arrival). */
  at: number;
  lines: number;
  level: LogRecord['level'];
}

/**
 * Decides, line by line and per source, whether a line starts a record or continues the last one.
 * Holds no lines itself: the caller keeps the record being built (the reorder buffer in the console,
 * the previous record in the CLI) and appends to it when told to.
 */
export class MultilineJoiner {
  private readonly sources = new Map<string, SourceState>();

  /** True when `line` continues the source's previous record (and the caller should append it). */
  continues(source: string, line: string, at: number): boolean {
    const s = this.sources.get(source);
    const recent = s !== undefined && at - s.at <= JOIN_WINDOW_MS && s.lines < MAX_RECORD_LINES;
    const block = recent ? continuation(s, line) : undefined;
    if (block !== undefined && s) {
      s.block = block;
      s.at = at;
      s.lines++;
      return true;
    }
    return false;
  }

  /** Appends `line` to `open` (the source's record still being built) when it continues it. */
  join(source: string, line: string, at: number, open: LogRecord | undefined): boolean {
    if (!open || !this.continues(source, line, at)) return false;
    appendLine(open, sanitize(line));
    return true;
  }

  /** A record starts with `line`: its level, when the line named none, is the one its shape implies. */
  start(source: string, line: string, at: number, record: LogRecord): boolean {
    record.level ??= impliedLevel(line);
    return this.started(source, line, at, record.level);
  }

  /**
   * Records the start of a new record (its first line opens a block when it is a panic or a
   * traceback). True when lines may yet join it: an error or warning, or an open block. The caller
   * holds such a record up to `JOIN_WINDOW_MS` for them, and lets any other go at once.
   */
  started(source: string, line: string, at: number, level: LogRecord['level']): boolean {
    const block: Block = GO_PANIC.test(line) ? 'go' : TRACEBACK.test(line) ? 'python' : 'none';
    this.sources.set(source, { block, at, lines: 1, level: level ?? impliedLevel(line) });
    return (
      block !== 'none' ||
      level === 'warn' ||
      level === 'error' ||
      level === 'fatal' ||
      EXCEPTION_LINE.test(line)
    );
  }
}

/** A record's level when its first line names none: a traceback is an error, as a panic is fatal. */
export function impliedLevel(line: string): LogRecord['level'] {
  if (TRACEBACK.test(line) || EXCEPTION_LINE.test(line)) return 'error';
  return GO_PANIC.test(line) ? 'fatal' : undefined;
}

/** The block the record is in after `line`, or undefined when `line` starts a record of its own. */
function continuation(s: SourceState, line: string): Block | undefined {
  if (FRAME.test(line) || MORE.test(line) || CAUSED.test(line)) return 'stack';
  // A traceback joins the error its logger wrote above it; after any other line it is its own record.
  const afterError = s.level === 'error' || s.level === 'fatal' || s.level === 'warn';
  if (TRACEBACK.test(line)) return afterError || s.block === 'python-end' ? 'python' : undefined;
  if (CHAINED.test(line)) return s.block === 'python' || s.block === 'python-end' ? 'python' : undefined;
  if (GOROUTINE.test(line)) return 'go';
  switch (s.block) {
    case 'python':
      // Inside a traceback: its frames are indented; the exception line closes it.
      if (line === '' || /^\s/.test(line)) return 'python';
      return PY_EXCEPTION.test(line) ? 'python-end' : undefined;
    case 'python-end':
      // A blank line may lead to a chained traceback ("During handling of the above exception").
      return line === '' ? 'python-end' : undefined;
    case 'go':
      return line === '' || GO_FRAME.test(line) ? 'go' : undefined;
    default:
      // The exception a logger printed under its own error line: `ERROR x failed` then the class.
      return afterError && s.lines === 1 && EXCEPTION_LINE.test(line) ? 'stack' : undefined;
  }
}

/** A record's first line: what a pane's one row shows of it. */
export function firstLineOf(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/** Appends a continuation line (already sanitized) to a record. */
function appendLine(record: LogRecord, line: string): void {
  record.text = `${record.text}\n${line}`;
  record.lines = (record.lines ?? 1) + 1;
}
