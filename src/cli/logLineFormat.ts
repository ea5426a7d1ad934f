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
    });
  return how.withSource ? `${r.source}: ${r.text}` : r.text;
}
