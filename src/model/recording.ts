import type { JournalRecord } from './journalRecord';
import type { SourceEvent } from './sourceEvents';

/**
 * A source event as the recording keeps it: when the console received it (`t`, ms since the
 * epoch) and the event itself. Log lines are not kept this way: the log store holds them already.
 */
export interface RecordedEvent {
  t: number;
  e: Exclude<SourceEvent, { type: 'log-lines' }>;
}

/** The newest recording file format this version reads and writes. */
export const RECORDING_FORMAT = 1;

/** What a recording says about itself: the first frame of a recording file. */
export interface RecordingHeader {
  format: number;
  /** The opsconsole version that wrote it, for the message that refuses a newer format. */
  writer: string;
  incident: string;
  environment: string;
  /** The span of signals it holds, ms since the epoch. */
  from: number;
  to: number;
  createdAt: number;
}

/**
 * An incident's recording, whole: its journal (what the operator did) and the signals the console
 * received over its span (what they saw), each in time order. A stored log line is a `StoredLine`
 * tuple (see `logstore/storedLine.ts`).
 */
export interface Recording {
  header: RecordingHeader;
  journal: JournalRecord[];
  lines: unknown[];
  events: RecordedEvent[];
  /** Where a damaged file stopped being readable; what precedes it is here. */
  damage?: string;
  /** Journal records of a file that were not records opsconsole writes: left out. */
  unreadableRecords?: number;
}

/** How long before an incident's start its recording reaches back (and is kept from eviction). */
export const RECORDING_LEAD_MS = 30 * 60_000;
