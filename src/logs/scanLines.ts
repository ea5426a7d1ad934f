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
    let carry = Buffer.alloc(0);
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n <= 0) break;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const lastNl = buf.lastIndexOf(0x0a);
      if (lastNl === -1) {
        carry = Buffer.from(buf.subarray(Math.max(0, buf.length - maxLineBytes)));
        continue;
      }
      scanBlock(buf.subarray(0, lastNl + 1), needle, onLine, maxLineBytes);
      carry = Buffer.from(buf.subarray(lastNl + 1));
    }
    if (carry.length > 0) scanBlock(Buffer.concat([carry, Buffer.from('\n')]), needle, onLine, maxLineBytes);
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
  let pos = 0;
  for (;;) {
    const hit = block.indexOf(needle, pos);
    if (hit === -1) return;
    const start = block.lastIndexOf(0x0a, hit) + 1;
    const end = block.indexOf(0x0a, hit + needle.length);
    emit(start, end);
    pos = end + 1;
  }
}
