import type { LogPattern, PatternIndex } from '../logs/patterns/patternIndex';
import type { ReleaseEvent } from '../model/notableEvent';
import type { ConsoleState, PatternMode } from './consoleStore';
import { releaseEvents } from './selectors';

/** One row of the patterns view: a template and what makes it worth a look. */
export interface PatternRow
  extends Pick<
    LogPattern,
    'key' | 'source' | 'template' | 'count' | 'firstSeen' | 'lastSeen' | 'sample' | 'sampleRequestId'
  > {
  /** Lines per minute over the last `SPARK_MINUTES` minutes, oldest first. */
  perMinute: number[];
  /** First seen after its service's last release. */
  isNew: boolean;
  /** The last 5 minutes' rate is at least 3x the 30 minutes before. */
  spiking: boolean;
  /** Share of its lines at error level or worse. */
  errorShare: number;
}

export const SPARK_MINUTES = 30;
const RECENT_MINUTES = 5;
const BASELINE_MINUTES = 30;
const SPIKE_FACTOR = 3;
const RELEASE_GRACE_MS = 60_000;
/** Fewer lines than this in the recent window is noise, not a spike. */
const SPIKE_MIN_LINES = 10;

/** Each service's latest release the console saw. */
export function lastReleases(state: ConsoleState): Map<string, ReleaseEvent> {
  const out = new Map<string, ReleaseEvent>();
  for (const e of releaseEvents(state))
    if ((out.get(e.data.service)?.at ?? 0) <= e.at) out.set(e.data.service, e);
  return out;
}

function rowOf(p: LogPattern, releasedAt: number | undefined, sourceSince: number, now: number): PatternRow {
  const minute = Math.floor(now / 60_000);
  const perMinute = Array.from(
    { length: SPARK_MINUTES },
    (_, i) => p.perMinute.get(minute - SPARK_MINUTES + 1 + i) ?? 0,
  );
  let recent = 0;
  let before = 0;
  for (const [m, n] of p.perMinute) {
    if (m > minute - RECENT_MINUTES) recent += n;
    else if (m > minute - RECENT_MINUTES - BASELINE_MINUTES) before += n;
  }
  // A release is dated when it was seen (the new container's start, its first health report): the
  // new version's first lines can come a little before that.
  // A template there from the source's first line was not brought by the release, however close to
  // it the console started watching.
  const isNew =
    releasedAt !== undefined && p.firstSeen >= releasedAt - RELEASE_GRACE_MS && p.firstSeen > sourceSince;
  // Against its own past: a template seen for less than the baseline cannot spike, it is new.
  const watchedBefore = p.firstSeen <= now - RECENT_MINUTES * 60_000;
  const spiking =
    watchedBefore &&
    recent >= SPIKE_MIN_LINES &&
    recent / RECENT_MINUTES >= (SPIKE_FACTOR * before) / BASELINE_MINUTES;
  const errors = (p.levels.error ?? 0) + (p.levels.fatal ?? 0);
  return {
    key: p.key,
    source: p.source,
    template: p.template,
    count: p.count,
    firstSeen: p.firstSeen,
    lastSeen: p.lastSeen,
    perMinute,
    isNew,
    spiking,
    errorShare: p.count > 0 ? errors / p.count : 0,
    sample: p.sample,
    ...(p.sampleRequestId && { sampleRequestId: p.sampleRequestId }),
  };
}

/**
 * Every template as a row, the interesting ones first: new since the release, then spiking, then by
 * the share of errors and the count.
 */
export function patternRows(patterns: readonly LogPattern[], state: ConsoleState): PatternRow[] {
  const releases = lastReleases(state);
  const since = new Map<string, number>();
  for (const p of patterns) since.set(p.source, Math.min(since.get(p.source) ?? p.firstSeen, p.firstSeen));
  return patterns
    .map((p) => rowOf(p, releases.get(p.source)?.at, since.get(p.source) as number, state.now))
    .sort(
      (a, b) =>
        Number(b.isNew) - Number(a.isNew) ||
        Number(b.spiking) - Number(a.spiking) ||
        b.errorShare - a.errorShare ||
        b.count - a.count ||
        a.key.localeCompare(b.key),
    );
}

export const inMode = (mode: PatternMode) => (r: PatternRow) =>
  mode === 'all' || (mode === 'new' ? r.isNew : r.spiking);

let cache: { second: number; index: PatternIndex; version: number; rows: PatternRow[] } | undefined;

/**
 * The rows of the patterns view: recomputed at most once a second (templates change with every
 * line; the view need not), shared by the view and its controller.
 */
export function currentPatternRows(index: PatternIndex, state: ConsoleState): PatternRow[] {
  const second = Math.floor(state.now / 1000);
  const version = state.incident.events.length;
  if (!cache || cache.index !== index || cache.second !== second || cache.version !== version)
    cache = { second, index, version, rows: patternRows(index.all(), state) };
  return cache.rows;
}

let shown: { all: PatternRow[]; mode: PatternMode; rows: PatternRow[] } | undefined;

/** The rows the patterns view shows in its mode: the same array until they change (views subscribe to it). */
export function patternsInMode(index: PatternIndex, state: ConsoleState): PatternRow[] {
  const all = currentPatternRows(index, state);
  const mode = state.ui.patternMode;
  if (!shown || shown.all !== all || shown.mode !== mode)
    shown = { all, mode, rows: all.filter(inMode(mode)) };
  return shown.rows;
}

/** What the patterns view shows, and the selected row. */
export function visiblePatterns(index: PatternIndex, state: ConsoleState) {
  const rows = patternsInMode(index, state);
  return { rows, selected: rows[Math.min(state.ui.patternCursor, rows.length - 1)] };
}
