import { sanitize } from './sanitize';

/**
 * A command's output as inert lines: split on its newlines (CR LF too), the newline that ends the
 * last line dropped rather than shown as a visible control, each line sanitized on its own.
 */
export function outputLines(output: string): string[] {
  const text = output.replace(/\r?\n$/, '');
  return text === '' ? [] : text.split(/\r?\n/).map((line) => sanitize(line));
}

/** The same output on one line, its lines joined by a visible return mark. */
export function outputOnOneLine(output: string): string {
  return outputLines(output).join(' ⏎ ');
}
