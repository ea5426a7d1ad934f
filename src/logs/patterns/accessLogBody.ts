import { WILDCARD } from './templateMiner';

/** `"GET /users/42?x=1 HTTP/1.1" 200 512`: the request line, its status and its size. */
const REQUEST = /"([A-Z]{3,7}) (\S+?)(?:\?\S*)? HTTP\/[\d.]+" (\d{3}) (\d+|-)/;
/** A path segment that is an identifier, not a name: digits, a long hex or base64-ish id. */
const ID_SEGMENT = /\d|^[0-9a-f]{12,}$|^[A-Za-z0-9_-]{24,}$/i;

/**
 * The tokens an nginx or Apache access line is mined as: its method and route shape (ids in the
 * path and the query are values), the status and size as values. One template per method and route
 * shape, not one per URL; the miner's own masking would make every path one value.
 */
export function accessLogTokens(line: string): string[] | undefined {
  // Most lines are not access lines: a plain search first spares them the expression.
  if (!line.includes(' HTTP/')) return undefined;
  const m = REQUEST.exec(line);
  if (!m) return undefined;
  const route = (m[2] as string)
    .split('/')
    .map((s) => (ID_SEGMENT.test(s) ? WILDCARD : s))
    .join('/');
  return [m[1] as string, route, WILDCARD, WILDCARD];
}
