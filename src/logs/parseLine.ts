import type { FieldNames } from '../model/sourceEvents';
import { valueAtDottedPath } from '../text/dottedPath';
import { sanitize } from '../text/sanitize';
import type { Level, LogRecord } from './logRecord';
import { closeTruncatedJson } from './truncatedJson';

/** The field names of pino, bunyan, zap, logrus, ECS and Docker's json-file driver. */
export const DEFAULT_FIELD_NAMES: FieldNames = {
  level: ['level', 'severity', 'lvl', 'log.level', 'levelname'],
  message: ['msg', 'message', 'log', 'event'],
  time: ['time', 'ts', '@timestamp', 'timestamp', 't'],
  requestId: [
    'request_id',
    'requestId',
    'req_id',
    'reqId',
    'x-request-id',
    'x_request_id',
    'trace_id',
    'traceId',
    'correlation_id',
    'correlationId',
    'req.id',
    'http.request.id',
    'trace.id',
  ],
  status: ['status', 'statusCode', 'status_code', 'res.statusCode', 'http.response.status_code'],
};

const LEVEL_WORDS: Record<string, Level> = {
  trace: 'trace',
  debug: 'debug',
  dbug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  severe: 'error',
  dpanic: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
};

export function normalizeLevel(value: unknown): Level | undefined {
  if (typeof value === 'number') {
    // pino and bunyan numeric levels.
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    if (value >= 20) return 'debug';
    return 'trace';
  }
  if (typeof value !== 'string') return undefined;
  // Own keys only: a level of "constructor" or "__proto__" is a word, not a property of Object.
  const word = value.toLowerCase();
  return Object.hasOwn(LEVEL_WORDS, word) ? LEVEL_WORDS[word] : undefined;
}

function firstOf(obj: Record<string, unknown>, paths: string[]): unknown {
  for (const p of paths) {
    const v = valueAtDottedPath(obj, p);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

export function parseTime(value: unknown, now: number): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Seconds (zap, logrus epoch) or milliseconds (pino).
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string') return undefined;
  return parseTimestampText(value, now);
}

const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const SYSLOG =
  /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: (\d{4}))?/;
/** nginx's error log and others: `2024/01/12 03:14:13`. */
const SLASHED = /(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?/;
/** The common log format's `[12/Jan/2024:03:14:01 +0000]`. */
const COMMON_LOG = /(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?/;

/** ISO-8601 (zone-less read as UTC) or syslog/Apache style; undefined when none is found. */
export function parseTimestampText(text: string, now: number): number | undefined {
  // The commonest form (JavaScript's own toISOString, most JSON loggers): one call, no regex.
  if (
    text.length === 24 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(19) === 46 &&
    text.charCodeAt(23) === 90
  ) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return Number.isNaN(t) ? undefined : t;
  }
  const slashed = SLASHED.exec(text);
  if (slashed) {
    const [, y, mo, d, h, mi, s, ms] = slashed;
    return Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number((ms ?? '0').padEnd(3, '0')),
    );
  }
  const clf = COMMON_LOG.exec(text);
  if (clf) {
    const [, d, mon, y, h, mi, s, zone] = clf;
    const month = MONTHS.indexOf((mon as string).toLowerCase());
    if (month >= 0) {
      let t = Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s));
      if (zone)
        t -=
          (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * 60_000;
      return t;
    }
  }
  // A syslog priority (`<13>`) or an opening bracket before the time.
  const sys = SYSLOG.exec(text.replace(/^(?:<\d{1,3}>|\[)/, ''));
  if (sys) {
    const [, mon, d, h, mi, s, year] = sys;
    const month = MONTHS.indexOf((mon as string).toLowerCase());
    if (month < 0) return undefined;
    const thisYear = new Date(now).getUTCFullYear();
    let t = Date.UTC(year ? Number(year) : thisYear, month, Number(d), Number(h), Number(mi), Number(s));
    // Syslog has no year: a date "in the future" belongs to last year.
    if (!year && t > now + 86_400_000)
      t = Date.UTC(thisYear - 1, month, Number(d), Number(h), Number(mi), Number(s));
    return t;
  }
  return undefined;
}

const PLAIN_LEVEL =
  /(?:^|[\s[<(|])(trace|debug|info|notice|warn|warning|error|err|severe|fatal|panic|crit|critical|alert|emerg)(?=[\]\s>:)|]|$)/i;
const PLAIN_REQUEST_ID =
  /\b(?:request[_-]?id|req[_-]?id|x-request-id|trace[_-]?id|correlation[_-]?id)["']?\s*[=:]\s*["']?([A-Za-z0-9._:-]{3,})/i;
const BRACKETED_ID =
  /\[((?:req|request|trace|corr)[-_][A-Za-z0-9-]{3,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\]/i;
const PLAIN_STATUS = /\b(?:status|status_code|code)[=:]\s*"?([1-5]\d\d)\b/;
const LOGFMT_PAIR = /([\w.@-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

/** Parses logfmt (`key=value key2="quoted value"`); undefined when the line is not logfmt. */
export function parseLogfmt(line: string): Record<string, unknown> | undefined {
  if (!/^\s*[\w.@-]+=/.test(line)) return undefined;
  const out: Record<string, unknown> = Object.create(null);
  for (const m of line.matchAll(LOGFMT_PAIR)) {
    const key = m[1] as string;
    let value = m[2] as string;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    out[key] = value;
  }
  return out;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    // Not JSON, or nested beyond the parser's stack: treat as plain text.
    return undefined;
  }
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function toStatus(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

export interface ParseContext {
  source: string;
  seq: number;
  receivedAt: number;
  fields?: FieldNames;
}

/** The marker a line splitter appends to a line it cut (see `truncationMarker`). */
const CUT_MARKER = / …\[\+\d+ bytes cut\]$/;

/**
 * Turns one raw line (already split and UTF-8 decoded) into a record whose text is safe to draw. A
 * line that was cut at the length cap is parsed from what was kept (a cut JSON object is closed
 * first) and keeps its marker in the text and the message.
 */
export function parseLine(raw: string, ctx: ParseContext): LogRecord {
  const names = ctx.fields ?? DEFAULT_FIELD_NAMES;
  const text = sanitize(raw);
  const cut = CUT_MARKER.exec(raw);
  const kept = cut ? raw.slice(0, cut.index) : raw;
  const marker = cut ? cut[0] : '';
  const structured =
    parseJsonObject(kept) ??
    (cut ? parseJsonObject(closeTruncatedJson(kept.trimStart()) ?? '') : undefined) ??
    parseLogfmt(kept);
  const record = (f: {
    time: number | undefined;
    level: Level | undefined;
    requestId: string | undefined;
    status: number | undefined;
    message: string;
  }): LogRecord => ({
    seq: ctx.seq,
    source: ctx.source,
    time: f.time ?? ctx.receivedAt,
    timeFromLine: f.time !== undefined,
    ...(f.level && { level: f.level }),
    ...(f.requestId && { requestId: sanitize(f.requestId) }),
    ...(f.status !== undefined && { status: f.status }),
    message: f.message,
    text,
    ...(structured && { structured: true }),
  });
  if (structured) {
    // Docker's json-file driver wraps the real line in {"log": "...", "time": ...}.
    const message = scalarText(firstOf(structured, names.message));
    return record({
      time: parseTime(firstOf(structured, names.time), ctx.receivedAt),
      level: normalizeLevel(firstOf(structured, names.level)),
      requestId: scalarText(firstOf(structured, names.requestId)),
      status: toStatus(firstOf(structured, names.status)),
      // Docker's json-file driver keeps the line's own newline in `log`: it is not part of the message.
      message: message !== undefined ? sanitize(message.replace(/\r?\n$/, '')) + marker : text,
    });
  }
  const head = raw.slice(0, 120);
  const levelWord = PLAIN_LEVEL.exec(head)?.[1];
  return record({
    time: parseTimestampText(head, ctx.receivedAt),
    level: levelWord ? normalizeLevel(levelWord) : undefined,
    requestId: PLAIN_REQUEST_ID.exec(raw)?.[1] ?? BRACKETED_ID.exec(raw)?.[1],
    status: toStatus(PLAIN_STATUS.exec(raw)?.[1]),
    message: text,
  });
}

/** A source's own field names go first, and the usual ones still apply after them. */
export function fieldNamesWith(extra: Partial<FieldNames> | undefined): FieldNames {
  if (!extra) return DEFAULT_FIELD_NAMES;
  const merged = { ...DEFAULT_FIELD_NAMES };
  for (const key of Object.keys(extra) as (keyof FieldNames)[])
    merged[key] = [...(extra[key] ?? []), ...DEFAULT_FIELD_NAMES[key]];
  return merged;
}
