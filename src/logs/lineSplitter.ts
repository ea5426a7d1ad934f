/**
 * Splits a byte stream into lines on LF, never on decoded text, so that a chunk boundary in the middle
 * of a multi-byte character changes nothing. Lines longer than `maxLineBytes` are cut at a character
 * boundary and marked; the bytes past the cap are counted and discarded, so a 16 MiB line without a
 * newline costs at most `maxLineBytes` of memory.
 */

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export function truncationMarker(droppedBytes: number): string {
  return ` …[+${droppedBytes} bytes cut]`;
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence, so a cut never splits a character. */
export function completeCharactersEnd(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = bytes[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const needed = b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    return needed > back ? n - back : n;
  }
  return n;
}

export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  /** Feeds a chunk; returns the complete lines it finished. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    // A view, not a copy: a line wholly inside the chunk is decoded straight from it.
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      if (nl === -1) break;
      if (this.pendingBytes === 0 && this.droppedBytes === 0 && nl - start <= this.maxLineBytes) {
        const end = nl > start && bytes[nl - 1] === 0x0d ? nl - 1 : nl;
        lines.push(bytes.toString('utf8', start, end));
      } else {
        this.append(bytes.subarray(start, nl));
        lines.push(this.takeLine());
      }
      start = nl + 1;
    }
    if (start < bytes.length) this.append(bytes.subarray(start));
    return lines;
  }

  /** Emits what is left when the stream ends (a last line without newline). */
  end(): string[] {
    if (this.pendingBytes === 0 && this.droppedBytes === 0) return [];
    return [this.takeLine()];
  }

  private append(part: Uint8Array): void {
    if (part.length === 0) return;
    const room = this.maxLineBytes - this.pendingBytes;
    if (room <= 0) {
      this.droppedBytes += part.length;
      return;
    }
    // Copies: the caller may reuse its buffer. (`new Uint8Array(view)` copies; a Buffer's own
    // `slice` would return a view of the same memory, overwritten by the caller's next read.)
    if (part.length <= room) {
      this.pending.push(new Uint8Array(part));
      this.pendingBytes += part.length;
      return;
    }
    this.pending.push(new Uint8Array(part.subarray(0, room)));
    this.pendingBytes += room;
    this.droppedBytes += part.length - room;
  }

  private takeLine(): string {
    let bytes = concat(this.pending, this.pendingBytes);
    let dropped = this.droppedBytes;
    if (dropped > 0) {
      const cut = completeCharactersEnd(bytes);
      dropped += bytes.length - cut;
      bytes = bytes.subarray(0, cut);
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d && dropped === 0) bytes = bytes.subarray(0, -1);
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
    const text = this.decoder.decode(bytes);
    return dropped > 0 ? text + truncationMarker(dropped) : text;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
