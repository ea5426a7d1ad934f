export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** One log line after parsing; `text` is already sanitized and safe to draw or export. */
export interface LogRecord {
  /** Monotonic per console run; used as a stable key and for ordering ties. */
  seq: number;
  source: string;
  /** Event time from the line itself when it had one, else the time it was received (ms since epoch). */
  time: number;
  timeFromLine: boolean;
  level?: Level;
  requestId?: string;
  status?: number;
  message: string;
  /** The whole sanitized line. */
  text: string;
  /** The line was JSON or logfmt (its fields are not kept: re-parse `text` to see them). */
  structured?: boolean;
  /** Read back from the source's history: it was logged before the console opened. */
  readBack?: boolean;
  /** The template it was filed under (`source#id`), once it entered the console's buffer. */
  pattern?: string;
  /**
   * A multi-line record (a stack trace, a traceback): how many lines `text` holds, joined by `\n`.
   * Its level, time and message are its first line's.
   */
  lines?: number;
}

/** A log line as a request: its status decides; without one, an error-level line counts as a failed request. */
export function requestOutcome(r: LogRecord): 'ok' | 'error' | undefined {
  if (r.status !== undefined) return r.status >= 500 ? 'error' : 'ok';
  if (r.level === 'error' || r.level === 'fatal') return 'error';
  return undefined;
}
