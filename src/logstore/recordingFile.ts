import { constants, crc32, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { type JournalRecord, parseRecord } from '../model/journalRecord';
import {
  RECORDING_FORMAT,
  type RecordedEvent,
  type Recording,
  type RecordingHeader,
} from '../model/recording';

/**
 * The portable recording: one file, readable on another machine. After a magic line, a run of
 * frames, each `length (4 bytes) · crc32 (4 bytes) · zstd(JSON)`: first the header, then the
 * incident's records and signals in windows of time, oldest first. A frame checks itself, so a
 * damaged file is read up to the frame that breaks and said where; what precedes it still plays.
 * (zstd over the whole file would lose everything after the first bad byte.)
 */
export const RECORDING_MAGIC = 'OPSCONSOLE-RECORDING\n';

/** A window's share of the recording; a frame holds one. */
interface Window {
  /** The window's last instant. */
  until: number;
  journal: JournalRecord[];
  lines: unknown[];
  events: RecordedEvent[];
}

const WINDOW_MS = 60_000;
/** Items per frame at most: a window of a flood is split, so one frame decodes in bounded memory. */
const FRAME_ITEMS = 20_000;
/** What one frame may take, compressed or not; a larger length is damage, not a frame. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class RecordingFormatError extends Error {}

/** Encodes a recording (already redacted and made inert by the caller) as the file's bytes. */
export function encodeRecording(r: Omit<Recording, 'damage'>): Buffer {
  const frames: Buffer[] = [Buffer.from(RECORDING_MAGIC), frame(r.header)];
  const timeOf = {
    journal: (x: JournalRecord) => Date.parse(x.ts),
    lines: (x: unknown) => (x as [number])[0],
    events: (x: RecordedEvent) => x.t,
  };
  const windows = new Map<number, Window>();
  const windowOf = (t: number): Window => {
    const key = Math.floor(t / WINDOW_MS);
    let w = windows.get(key);
    if (!w) {
      w = { until: (key + 1) * WINDOW_MS - 1, journal: [], lines: [], events: [] };
      windows.set(key, w);
    }
    return w;
  };
  for (const x of r.journal) windowOf(timeOf.journal(x)).journal.push(x);
  for (const x of r.lines) windowOf(timeOf.lines(x)).lines.push(x);
  for (const x of r.events) windowOf(timeOf.events(x)).events.push(x);
  for (const key of [...windows.keys()].sort((a, b) => a - b)) {
    const w = windows.get(key) as Window;
    // The journal first in its window: a window split for size keeps its records in the first part.
    const items = [
      ...w.journal.map((x) => ['journal', x] as const),
      ...w.lines.map((x) => ['lines', x] as const),
      ...w.events.map((x) => ['events', x] as const),
    ];
    for (let i = 0; i < items.length; i += FRAME_ITEMS) {
      const part: Window = { until: w.until, journal: [], lines: [], events: [] };
      for (const [kind, x] of items.slice(i, i + FRAME_ITEMS)) (part[kind] as unknown[]).push(x);
      frames.push(frame(part));
    }
  }
  return Buffer.concat(frames);
}

/** zstd level 9: a quarter smaller than the default 3 for a fifth of a second per half hour of a 50-container fleet. */
const LEVEL = { params: { [constants.ZSTD_c_compressionLevel]: 9 } };

function frame(value: unknown): Buffer {
  const payload = zstdCompressSync(Buffer.from(JSON.stringify(value)), LEVEL);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(payload.length, 0);
  head.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

/**
 * Reads a recording file's bytes. A file that is not a recording, or whose header is unreadable
 * or of a newer format, is refused (`RecordingFormatError`, in words to show). Damage after the
 * header ends the read there: the recording holds what precedes it and says where it broke.
 */
export function decodeRecording(bytes: Buffer, name: string): Recording {
  const magic = Buffer.from(RECORDING_MAGIC);
  if (bytes.length < magic.length || !bytes.subarray(0, magic.length).equals(magic))
    throw new RecordingFormatError(
      `${name} is not an opsconsole recording (it does not begin with ${JSON.stringify(RECORDING_MAGIC.trim())})`,
    );
  let at = magic.length;
  const first = readFrame(bytes, at);
  if ('problem' in first)
    throw new RecordingFormatError(`${name}: the recording's header is damaged (${first.problem})`);
  const header = first.value as RecordingHeader;
  if (
    typeof header?.format !== 'number' ||
    typeof header.incident !== 'string' ||
    typeof header.environment !== 'string' ||
    !Number.isFinite(header.from) ||
    !Number.isFinite(header.to) ||
    header.to < header.from
  )
    throw new RecordingFormatError(`${name}: the recording's header is not one opsconsole writes`);
  if (header.format > RECORDING_FORMAT)
    throw new RecordingFormatError(
      `${name} was written by opsconsole ${String(header.writer)} (recording format ${header.format}); this one reads up to format ${RECORDING_FORMAT}.\n  fix: replay it with that version or a newer one.`,
    );
  at = first.next;
  const recording: Recording = { header, journal: [], lines: [], events: [] };
  let lastUntil: number | undefined;
  for (let n = 2; at < bytes.length; n++) {
    const f = readFrame(bytes, at);
    const w = 'value' in f ? (f.value as Window) : undefined;
    if (
      !('value' in f) ||
      !w ||
      !Array.isArray(w.journal) ||
      !Array.isArray(w.lines) ||
      !Array.isArray(w.events)
    ) {
      const problem = 'problem' in f ? f.problem : 'its content is not a window of the recording';
      const upTo =
        lastUntil === undefined
          ? 'nothing after the header'
          : `what was recorded up to ${new Date(lastUntil).toISOString()}`;
      recording.damage = `damaged at byte ${at} (frame ${n}: ${problem}); ${upTo} is played`;
      break;
    }
    for (const r of w.journal) {
      const parsed = parseRecord(r);
      if (parsed.ok) recording.journal.push(parsed.record);
      else recording.unreadableRecords = (recording.unreadableRecords ?? 0) + 1;
    }
    recording.lines.push(...w.lines);
    recording.events.push(...w.events);
    lastUntil = w.until;
    at = f.next;
  }
  return recording;
}

function readFrame(bytes: Buffer, at: number): { value: unknown; next: number } | { problem: string } {
  if (at + 8 > bytes.length) return { problem: 'the file ends inside a frame' };
  const length = bytes.readUInt32BE(at);
  const sum = bytes.readUInt32BE(at + 4);
  if (length > MAX_FRAME_BYTES) return { problem: `a frame says it is ${length} bytes` };
  if (at + 8 + length > bytes.length) return { problem: 'the file ends inside a frame' };
  const payload = bytes.subarray(at + 8, at + 8 + length);
  if (crc32(payload) !== sum) return { problem: 'its checksum does not match' };
  try {
    const text = zstdDecompressSync(payload, { maxOutputLength: MAX_FRAME_BYTES * 4 }).toString('utf8');
    return { value: JSON.parse(text), next: at + 8 + length };
  } catch (err) {
    return { problem: `it does not decode: ${(err as Error).message}` };
  }
}
