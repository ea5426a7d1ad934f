import { sanitize } from './sanitize';

/**
 * The last step before any text leaves the program (stdout, stderr, files it writes): whatever a
 * caller forgot to sanitize is made inert here. Newlines and tabs are layout and stay; every other
 * control, escape sequence and bidi override is removed or shown visibly by `sanitize`.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function inertText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text
    .split('\n')
    .map((line) => sanitize(line, { tab: '\t' }))
    .join('\n');
}

/**
 * JSON whose every string is inert when printed: JSON.stringify escapes only C0 controls, so C1
 * controls, bidi overrides and the line/paragraph separators are escaped here as \uXXXX. The value
 * is unchanged for any JSON reader; only a terminal `cat`ing it sees nothing it would act on.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function inertJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
