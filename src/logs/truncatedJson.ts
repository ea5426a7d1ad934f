/**
 * Closes a JSON object that was cut off (a log line longer than the cap keeps only its start), so
 * the fields it does have (time, level, ids, usually first) can still be read. The text is cut back
 * to the last point where every open value was complete, or, when the cut fell inside a string
 * value, that string is closed where it was cut; then the open objects and arrays are closed.
 * Returns undefined when nothing sensible can be made of it.
 */
export function closeTruncatedJson(text: string): string | undefined {
  const closers: string[] = [];
  let inString = false;
  // Where an escape sequence (\n, \uXXXX) that is not yet complete began, and hex digits it still needs.
  let escapeStart = -1;
  let hexLeft = 0;
  let stringIsKey = false;
  let expectKey = false;
  let safe: { end: number; closers: string } | undefined;
  const mark = (end: number) => {
    safe = { end, closers: closers.toReversed().join('') };
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escapeStart >= 0) {
        if (i === escapeStart + 1 && c === 'u') hexLeft = 4;
        else if (hexLeft > 0) hexLeft--;
        if (hexLeft === 0) escapeStart = -1;
      } else if (c === '\\') escapeStart = i;
      else if (c === '"') {
        inString = false;
        if (!stringIsKey) mark(i + 1);
      }
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        stringIsKey = closers.at(-1) === '}' && expectKey;
        break;
      case '{':
        closers.push('}');
        expectKey = true;
        mark(i + 1);
        break;
      case '[':
        closers.push(']');
        expectKey = false;
        mark(i + 1);
        break;
      case '}':
      case ']':
        closers.pop();
        expectKey = false;
        mark(i + 1);
        break;
      case ':':
        expectKey = false;
        break;
      case ',':
        expectKey = closers.at(-1) === '}';
        mark(i);
        break;
      default:
        break;
    }
  }
  if (closers.length === 0) return undefined;
  if (inString && !stringIsKey) {
    // Drop a half-written escape (a lone backslash or an incomplete \uXXXX) before closing.
    const body = escapeStart >= 0 ? text.slice(0, escapeStart) : text;
    return `${body}"${closers.toReversed().join('')}`;
  }
  return safe ? text.slice(0, safe.end) + safe.closers : undefined;
}
