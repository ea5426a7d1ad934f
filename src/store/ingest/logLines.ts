import { type LogRecord, requestOutcome } from '../../logs/logRecord';
import { fieldNamesWith, parseLine } from '../../logs/parseLine';
import type { IngestContext, Reducer } from './draft';

/**
 * Lines are parsed and counted for log-derived error rates on arrival, but wait in the reorder
 * buffer so lines of several sources reach the ring in time order (see `releaseLines`).
 */
export const logLines: Reducer<'log-lines'> = (_draft, e, ctx) => {
  let counts = ctx.logCounts.get(e.source);
  if (!counts) {
    // A zero reading before the first lines, so the first second of traffic is counted too.
    counts = { requests: 0, errors: 0 };
    ctx.signalsFor(e.source).addLogCounts(e.receivedAt - 1, 0, 0);
  }
  const fields = fieldNamesWith(e.fields);
  for (const [i, line] of e.lines.entries()) {
    const at = e.times?.[i] ?? e.receivedAt;
    // A stack trace's next line joins its record while that one still waits to be shown.
    if (ctx.joiner.join(e.source, line, at, ctx.reorder.lastPendingOf(e.source))) continue;
    // The sequence number is given when the line leaves the reorder buffer.
    const record = parseLine(line, { source: e.source, seq: 0, receivedAt: at, fields });
    ctx.joiner.start(e.source, line, at, record);
    if (e.readBack) record.readBack = true;
    // A stack trace's next lines join it while it waits here (the merge window): a writer slower
    // than that leaves them as records of their own.
    ctx.reorder.add(record, e.receivedAt);
    const outcome = requestOutcome(record);
    // Read back from before the console opened: counted at its own time (never later than it came).
    if (outcome !== undefined && e.readBack)
      ctx.readBack.add(e.source, Math.min(e.times?.[i] ?? record.time, e.receivedAt), outcome);
    else if (outcome !== undefined) {
      counts.requests++;
      if (outcome === 'error') counts.errors++;
    }
  }
  ctx.logCounts.set(e.source, counts);
};

export const logStreams: Reducer<'log-streams'> = (draft, e) => {
  draft.logStreams = e.counts;
};

/** Moves the lines whose merge window has passed into the ring; the lines that moved. */
export function releaseLines({ reorder, logs, now }: IngestContext): LogRecord[] {
  const released = reorder.release(now);
  for (const record of released) {
    record.seq = logs.takeSeq();
    logs.push(record);
  }
  return released;
}
