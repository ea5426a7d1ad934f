import { closeSync, openSync, readSync } from 'node:fs';
import { completeCharactersEnd, DEFAULT_MAX_LINE_BYTES, truncationMarker } from './lineSplitter';

const CHUNK = 4 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Calls `onLine` for every line of a file that contains `needle` (every line when there is none),
 * searching the raw bytes first: only candidate lines are decoded and parsed, which is what makes a
 * request-id search close to grep's speed. A line longer than `maxLineBytes` keeps its first
 * `maxLineBytes` (where the time, level and ids are) followed by the cut marker, as everywhere else.
 */
export function scanFile(
  path: string,
  needle: Buffer | undefined,
  onLine: (line: string) => void,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  chunkBytes = CHUNK,
): void {
  const fd = openSync(path, 'r');
  try {
    // One buffer for the whole scan: the partial last line of a read is moved to its front and
    // the next read lands after it, so no bytes are copied twice.
    const buf = Buffer.allocUnsafe(chunkBytes + maxLineBytes);
    let carry = 0;
    // The head of a line longer than the cap, while the rest of it is skipped.
    // `seam` holds the last bytes read of it, so a needle split across two reads is still found.
    let long: { head: Buffer; dropped: number; hit: boolean; seam: Buffer } | undefined;
    const seamOf = (bytes: Buffer) =>
      Buffer.from(bytes.subarray(Math.max(0, bytes.length - (needle?.length ?? 1) + 1)));
    const startLong = (from: number, to: number) => {
      const line = buf.subarray(from, to);
      const head = Buffer.from(line.subarray(0, maxLineBytes));
      long = {
        head,
        dropped: line.length - maxLineBytes,
        hit: !needle || line.includes(needle),
        seam: seamOf(line),
      };
    };
    const endLong = () => {
      if (long?.hit) emitHead(long.head, long.dropped, onLine);
      long = undefined;
    };
    for (;;) {
      const n = readSync(fd, buf, carry, chunkBytes, null);
      const filled = carry + n;
      let start = 0;
      if (long) {
        // Skipping the rest of an over-long line, up to its newline; it matches on all its bytes.
        const window = buf.subarray(0, filled);
        const nl = window.indexOf(0x0a);
        const upto = nl === -1 ? filled : nl;
        const part = window.subarray(0, upto);
        if (!long.hit && needle && Buffer.concat([long.seam, part]).includes(needle)) long.hit = true;
        long.seam = seamOf(Buffer.concat([long.seam, part]));
        long.dropped += upto;
        if (nl === -1) {
          carry = 0;
          if (n > 0) continue;
          endLong();
          break;
        }
        endLong();
        start = nl + 1;
      }
      if (n <= 0) {
        if (filled > start) {
          buf[filled] = 0x0a;
          scanBlock(buf.subarray(start, filled + 1), needle, onLine, maxLineBytes);
        }
        break;
      }
      const lastNl = buf.lastIndexOf(0x0a, filled - 1);
      if (lastNl >= start) {
        scanBlock(buf.subarray(start, lastNl + 1), needle, onLine, maxLineBytes);
        start = lastNl + 1;
      }
      const rest = filled - start;
      if (rest > maxLineBytes) {
        startLong(start, filled);
        carry = 0;
      } else {
        buf.copy(buf, 0, start, filled);
        carry = rest;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Emits the kept head of an over-long line, cut at a character boundary, with the marker. */
function emitHead(bytes: Uint8Array, dropped: number, onLine: (line: string) => void): void {
  const cut = completeCharactersEnd(bytes);
  onLine(decoder.decode(bytes.subarray(0, cut)) + truncationMarker(dropped + bytes.length - cut));
}

/** A block of whole lines (ending with a newline). */
function scanBlock(
  block: Buffer,
  needle: Buffer | undefined,
  onLine: (line: string) => void,
  maxLineBytes: number,
): void {
  const emit = (start: number, end: number) => {
    const stop = end > 0 && block[end - 1] === 0x0d ? end - 1 : end;
    if (stop - start > maxLineBytes)
      emitHead(block.subarray(start, start + maxLineBytes), end - start - maxLineBytes, onLine);
    else onLine(decoder.decode(block.subarray(start, stop)));
  };
  if (!needle) {
    let start = 0;
    for (;;) {
      const nl = block.indexOf(0x0a, start);
      if (nl === -1) return;
      emit(start, nl);
      start = nl + 1;
    }
  }
  // Search from the needle's rarest byte in this data: indexOf skips ahead on its first byte, so a
  // common one ("r" of "req-…") costs several times a rare one. The rest is compared on each hit.
  const skip = (offsets.get(needle) ??
    offsets.set(needle, rarestOffset(block, needle)).get(needle)) as number;
  const tail = needle.subarray(skip);
  let pos = skip;
  for (;;) {
    const hit = block.indexOf(tail, pos);
    if (hit === -1) return;
    const at = hit - skip;
    if (skip > 0 && block.compare(needle, 0, skip, at, hit) !== 0) {
      pos = hit + 1;
      continue;
    }
    const start = block.lastIndexOf(0x0a, at) + 1;
    const end = block.indexOf(0x0a, at + needle.length);
    emit(start, end);
    pos = end + 1 + skip;
  }
}

/** The search offset of each needle, chosen once per scan from the first block. */
const offsets = new WeakMap<Buffer, number>();

/** Where in the needle to start searching: its least frequent byte in a sample, keeping 3+ bytes after it. */
function rarestOffset(block: Buffer, needle: Buffer): number {
  if (needle.length < 4) return 0;
  const sample = block.subarray(0, Math.min(block.length, 256 * 1024));
  const counts = new Uint32Array(256);
  for (let i = 0; i < sample.length; i++)
    counts[sample[i] as number] = (counts[sample[i] as number] as number) + 1;
  let best = 0;
  for (let i = 1; i <= needle.length - 3; i++)
    if ((counts[needle[i] as number] as number) < (counts[needle[best] as number] as number)) best = i;
  return best;
}
