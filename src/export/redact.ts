/**
 * Removes credentials from text before it is journaled or exported. Every pattern is a plain
 * sequence of bounded character classes without nested or overlapping quantifiers, so matching
 * stays linear in the line length (a 1 MiB line takes milliseconds, never catastrophic backtracking).
 */

const MARK = '[REDACTED]';

const PATTERNS: [RegExp, string][] = [
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g, `${MARK}:aws-key`],
  // AWS secret keys named as such.
  [/(aws_secret_access_key["']?\s{0,3}[:=]\s{0,3}["']?)[A-Za-z0-9/+=]{40}/gi, `$1${MARK}`],
  // JWTs: three base64url segments, the first a JSON header ("eyJ").
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g, `${MARK}:jwt`],
  // Authorization headers and bare bearer/basic credentials.
  [/\b(Bearer|Basic|Token)\s{1,3}[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MARK}`],
  // user:password@ in URLs.
  [/([a-z][a-z0-9+.-]{1,20}:\/\/)[^\s:@/]{1,256}:[^\s@/]{1,256}@/gi, `$1${MARK}@`],
  // key=value credentials in logfmt, query strings, JSON and env dumps.
  [
    /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)(["']?\s{0,3}[:=]\s{0,3}["']?)[^\s"'&,;]{1,512}/gi,
    `$1$2${MARK}`,
  ],
];

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PEM_TAIL = 'PRIVATE KEY-----';

/** Private key blocks, found with indexOf; an unterminated block is redacted to the end. */
function redactPem(text: string): string {
  if (!text.includes(PEM_TAIL)) return text;
  let out = '';
  let from = 0;
  for (;;) {
    PEM_BEGIN.lastIndex = from;
    const m = PEM_BEGIN.exec(text);
    if (!m) break;
    const end = text.indexOf(PEM_TAIL, m.index + m[0].length);
    out += `${text.slice(from, m.index)}${MARK}:private-key`;
    from = end === -1 ? text.length : end + PEM_TAIL.length;
  }
  return out + text.slice(from);
}

export type Redactor = (text: string) => string;

/** A redactor for the patterns above plus the literal values of the config's secrets. */
export function createRedactor(literalSecrets: string[] = []): Redactor {
  const literals = literalSecrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = redactPem(text);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    for (const secret of literals) out = out.split(secret).join(MARK);
    return out;
  };
}

/** Applies `redact` to every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
