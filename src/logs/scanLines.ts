import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 4 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Calls `onLine` for every line of a file that contains `needle` (every line when there is none),
 * searching the raw bytes first: only candidate lines are decoded and parsed, which is what makes a
 * request-id search close to grep's speed.
 */
export function scanFile(
  path: string,
  needle: Buffer | undefined,
  onLine: (line: string) => void,
  maxLineBytes = 16 * 1024,
): void {
  const fd = openSync(path, 'r');
  try {
    // One buffer for the whole scan: the partial last line of a read is moved to its front and
    // the next read lands after it, so no bytes are copied twice.
    const buf = Buffer.allocUnsafe(CHUNK + maxLineBytes);
    let carry = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, CHUNK, null);
      const filled = carry + n;
      if (n <= 0) {
        if (carry > 0) {
          buf[carry] = 0x0a;
          scanBlock(buf.subarray(0, carry + 1), needle, onLine, maxLineBytes);
        }
        break;
      }
      const lastNl = buf.lastIndexOf(0x0a, filled - 1);
      if (lastNl === -1) {
        // A line longer than the cap: keep its last part only.
        const keep = Math.min(filled, maxLineBytes);
        buf.copy(buf, 0, filled - keep, filled);
        carry = keep;
        continue;
      }
      scanBlock(buf.subarray(0, lastNl + 1), needle, onLine, maxLineBytes);
      const rest = Math.min(filled - (lastNl + 1), maxLineBytes);
      buf.copy(buf, 0, filled - rest, filled);
      carry = rest;
    }
  } finally {
    closeSync(fd);
  }
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
    onLine(decoder.decode(block.subarray(start, Math.min(stop, start + maxLineBytes))));
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
