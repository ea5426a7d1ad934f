/**
 * Makes untrusted text (logs, command output, remote banners) inert for a terminal or an export.
 *
 * An allowlist state machine: printable text passes; every escape sequence (CSI, OSC, DCS, SOS, PM,
 * APC, in their 7-bit and 8-bit forms, and two-byte ESC sequences) is dropped whole; the remaining C0
 * and C1 controls and the bidi overrides are shown as visible placeholders so that an operator can
 * see that something was there. Library "strip" helpers are not enough: they leave CR, BS, BEL, lone
 * ESC and unterminated OSC strings behind.
 */

const NEEDS_WORK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;

/** C1 introducers of string sequences (terminated by ST) and their 7-bit ESC forms. */
const STRING_INTRODUCERS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
const ESC_STRING_INTRODUCERS = new Map([
  [0x50, 0x90], // P  -> DCS
  [0x58, 0x98], // X  -> SOS
  [0x5d, 0x9d], // ]  -> OSC
  [0x5e, 0x9e], // ^  -> PM
  [0x5f, 0x9f], // _  -> APC
]);
const CSI_8BIT = 0x9b;
const ST_8BIT = 0x9c;
const OSC_8BIT = 0x9d;

function visibleControl(code: number): string {
  if (code === 0x7f) return '\u2421';
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  return `\\x${code.toString(16)}`;
}

function visibleBidi(code: number): string {
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

function isBidiControl(code: number): boolean {
  return (
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Index just past a CSI sequence whose parameters start at `i`, or where an illegal byte aborts it. */
function skipCsi(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) return j + 1;
    if (c >= 0x20 && c <= 0x3f) {
      j++;
      continue;
    }
    // Anything else cancels the sequence; the offending character is processed normally.
    return j;
  }
  return j;
}

/** Index just past a string sequence (OSC/DCS/SOS/PM/APC) body starting at `i`. */
function skipString(text: string, i: number, introducer: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === ST_8BIT || c === CAN || c === SUB) return j + 1;
    if (c === BEL && introducer === OSC_8BIT) return j + 1;
    if (c === ESC && text.charCodeAt(j + 1) === 0x5c) return j + 2;
    j++;
  }
  // Unterminated: a terminal would swallow everything that follows, so we drop it too.
  return j;
}

export interface SanitizeOptions {
  /** How a TAB is shown; a single space keeps column arithmetic simple in panes. */
  tab?: string;
}

export function sanitize(text: string, options: SanitizeOptions = {}): string {
  if (!NEEDS_WORK.test(text)) return text;
  const tab = options.tab ?? ' ';
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      out += text[i];
      i++;
      continue;
    }
    if (c === ESC) {
      const next = text.charCodeAt(i + 1);
      if (Number.isNaN(next)) {
        i++;
        continue;
      }
      if (next === 0x5b) {
        i = skipCsi(text, i + 2);
        continue;
      }
      const introducer = ESC_STRING_INTRODUCERS.get(next);
      if (introducer !== undefined) {
        i = skipString(text, i + 2, introducer);
        continue;
      }
      // nF / Fp / Fe / Fs escapes: intermediates 0x20-0x2f then one final 0x30-0x7e.
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      const final = text.charCodeAt(j);
      i = final >= 0x30 && final <= 0x7e ? j + 1 : i + 1;
      continue;
    }
    if (c === CSI_8BIT) {
      i = skipCsi(text, i + 1);
      continue;
    }
    if (STRING_INTRODUCERS.has(c)) {
      i = skipString(text, i + 1, c);
      continue;
    }
    if (c === 0x09) {
      out += tab;
      i++;
      continue;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      out += visibleControl(c);
      i++;
      continue;
    }
    if (isBidiControl(c)) {
      out += visibleBidi(c);
      i++;
      continue;
    }
    out += text[i];
    i++;
  }
  return out;
}

/** True when `text` would reach a terminal unchanged by `sanitize`; used by tests and assertions. */
export function isInert(text: string): boolean {
  return !NEEDS_WORK.test(text);
}

/**
 * The string values of an untrusted map (labels, annotations), keys and values sanitized; anything
 * that is not a string is left out.
 */
export function sanitizedStrings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [k, x] of Object.entries(value)) if (typeof x === 'string') out[sanitize(k)] = sanitize(x);
  return out;
}
