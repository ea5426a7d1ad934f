import { readSync } from 'node:fs';
import { LineSplitter } from '../logs/lineSplitter';
import { DEFAULT_FIELD_NAMES, parseLine } from '../logs/parseLine';
import type { FieldNames } from '../model/sourceEvents';
import type { ReadBack } from './readBack';

/** The most of a file read back at start, whatever the window says. */
export const MAX_READ_BACK_BYTES = 64 * 1024 * 1024;
const PROBE_BYTES = 64 * 1024;

/**
 * The time the first whole line at or after `pos` carries (with `since`: the first whose time is at
 * or after it), with that line's start; undefined if none does within one probe.
 */
function timeAfter(
  fd: number,
  pos: number,
  fields: FieldNames,
  since = Number.NEGATIVE_INFINITY,
): { at: number; start: number } | undefined {
  const buf = Buffer.allocUnsafe(PROBE_BYTES);
  const n = readSync(fd, buf, 0, PROBE_BYTES, pos);
  let start = pos === 0 ? 0 : buf.indexOf(0x0a) + 1;
  if (start === 0 && pos !== 0) return undefined;
  while (start < n) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1 || nl >= n) return undefined;
    const record = parseLine(buf.toString('utf8', start, nl), { source: '', seq: 0, receivedAt: 0, fields });
    if (record.timeFromLine && record.time >= since) return { at: record.time, start: pos + start };
    start = nl + 1;
  }
  return undefined;
}

/**
 * Where the lines of the read-back window begin in a file whose lines carry their time: a binary
 * search on the times of the lines at probe points (files are appended in time order, near enough),
 * so a 10 GB log costs a few dozen reads. A file whose lines carry no time is not read back: there
 * would be no telling when they happened. Never further back than `MAX_READ_BACK_BYTES`.
 */
export function readBackOffset(
  fd: number,
  size: number,
  since: number,
  fields = DEFAULT_FIELD_NAMES,
): number {
  let lo = Math.max(0, size - MAX_READ_BACK_BYTES);
  let hi = size;
  const first = timeAfter(fd, lo, fields);
  if (!first) return size;
  if (first.at >= since) return first.start;
  while (hi - lo > PROBE_BYTES) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const t = timeAfter(fd, mid, fields);
    if (t === undefined || t.at >= since) hi = mid;
    else lo = mid;
  }
  // The window starts within a probe of `lo`: at its first line of `since` or later.
  return (timeAfter(fd, lo, fields, since) ?? timeAfter(fd, hi, fields, since))?.start ?? size;
}

/**
 * The whole lines between `from` and `to` (what the file held at open, from the window's start),
 * the newest `maxLines` of them, and where reading must go on: after the last whole line.
 */
export function readBackLines(
  fd: number,
  from: number,
  to: number,
  readBack: ReadBack,
): { lines: string[]; resumeAt: number } {
  const splitter = new LineSplitter();
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let lines: string[] = [];
  let pos = from;
  let lastNewline = from;
  while (pos < to) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n <= 0) break;
    const chunk = buf.subarray(0, n);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl !== -1) lastNewline = pos + nl + 1;
    lines.push(...splitter.push(chunk));
    if (lines.length > 2 * readBack.maxLines) lines = lines.slice(-readBack.maxLines);
    pos += n;
  }
  return { lines: lines.slice(-readBack.maxLines), resumeAt: lastNewline };
}
