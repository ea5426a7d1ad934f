import type { LogRecord } from '../logs/logRecord';
import { inertJson } from '../text/inert';

/** One line as `logs` prints it: the sanitized text (after its source when several are read), or JSON. */
export function formatLogLine(r: LogRecord, how: { json: boolean; withSource: boolean }): string {
  if (how.json)
    return inertJson({
      time: new Date(r.time).toISOString(),
      source: r.source,
      level: r.level ?? null,
      requestId: r.requestId ?? null,
      status: r.status ?? null,
      message: r.message,
      // A multi-line record (a stack trace): the lines after its first.
      ...(r.lines !== undefined && r.lines > 1 && { continuation: r.text.split('\n').slice(1) }),
    });
  // Each line of a multi-line record keeps its source, so a grep of the output still finds it.
  return how.withSource ? r.text.replace(/^/gm, `${r.source}: `) : r.text;
}
