import { LEVELS, type Level, type LogRecord, levelRank } from './logRecord';

/** What the operator narrowed the logs to. Every field is optional; an empty filter shows all. */
export interface LogFilter {
  requestId?: string;
  minLevel?: Level;
  include?: RegExp;
  exclude?: RegExp;
  sources?: string[];
  /** A template's key (`source#id`): its lines only. */
  pattern?: string;
  /**
   * The literal words among `include` (not the `/re/` ones): every matching line contains each,
   * ignoring case, so an index or a scan can skip what lacks one before parsing it.
   */
  words?: string[];
}

export class FilterSyntaxError extends Error {}

/**
 * Parses the filter line typed in the console: `rid:ID`, `level:warn`, `src:api,worker`, `pat:KEY`,
 * `-word` or `-/re/` to exclude, `/re/` or bare words to include (all words must appear).
 */
export function parseFilterQuery(query: string): LogFilter {
  const filter: LogFilter = {};
  const include: string[] = [];
  const exclude: string[] = [];
  for (const token of query.trim().split(/\s+/).filter(Boolean)) {
    const [key, ...rest] = token.split(':');
    const value = rest.join(':');
    if (rest.length > 0 && (key === 'rid' || key === 'request_id' || key === 'req')) filter.requestId = value;
    else if (rest.length > 0 && key === 'level') {
      if (!(LEVELS as readonly string[]).includes(value))
        throw new FilterSyntaxError(`level must be one of ${LEVELS.join(', ')}`);
      filter.minLevel = value as Level;
    } else if (rest.length > 0 && key === 'pat') filter.pattern = value;
    else if (rest.length > 0 && (key === 'src' || key === 'source'))
      filter.sources = value.split(',').filter(Boolean);
    else if (token.startsWith('-') && token.length > 1) exclude.push(asPattern(token.slice(1)));
    else {
      include.push(asPattern(token));
      if (!isRegex(token)) filter.words = [...(filter.words ?? []), token];
    }
  }
  try {
    if (include.length > 0) filter.include = new RegExp(include.map((p) => `(?=.*${p})`).join(''), 'i');
    if (exclude.length > 0) filter.exclude = new RegExp(exclude.join('|'), 'i');
  } catch (err) {
    throw new FilterSyntaxError(`not a valid pattern: ${(err as Error).message}`);
  }
  return filter;
}

function isRegex(token: string): boolean {
  return token.length > 2 && token.startsWith('/') && token.endsWith('/');
}

/** `/re/` is a regular expression; anything else is matched literally. */
function asPattern(token: string): string {
  if (isRegex(token)) return token.slice(1, -1);
  return token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The filter a typed query means: none when empty, and the reason when it does not parse. */
export function compileFilter(query: string): { filter?: LogFilter; error?: string } {
  try {
    const f = parseFilterQuery(query);
    return isEmptyFilter(f) ? {} : { filter: f };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function isEmptyFilter(f: LogFilter): boolean {
  return (
    !f.requestId &&
    !f.minLevel &&
    !f.include &&
    !f.exclude &&
    !f.pattern &&
    !(f.sources && f.sources.length > 0)
  );
}

/** Field-aware: a record's parsed request id must equal the one asked for; lines without one fall back to the text. */
export function matchesFilter(r: LogRecord, f: LogFilter): boolean {
  if (f.requestId) {
    if (r.requestId !== undefined ? r.requestId !== f.requestId : !r.text.includes(f.requestId)) return false;
  }
  if (f.minLevel && (r.level === undefined || levelRank(r.level) < levelRank(f.minLevel))) return false;
  if (f.sources && f.sources.length > 0 && !f.sources.includes(r.source)) return false;
  if (f.pattern && r.pattern !== f.pattern) return false;
  if (f.include && !f.include.test(r.text)) return false;
  if (f.exclude?.test(r.text)) return false;
  return true;
}

export function describeFilter(f: LogFilter): string {
  const parts: string[] = [];
  if (f.requestId) parts.push(`request ${f.requestId}`);
  if (f.minLevel) parts.push(`≥${f.minLevel}`);
  if (f.sources?.length) parts.push(`from ${f.sources.join(',')}`);
  if (f.pattern) parts.push('of one template');
  if (f.include) parts.push('matching');
  if (f.exclude) parts.push('excluding');
  return parts.join(' ');
}
