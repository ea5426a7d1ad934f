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
const RELEASE_GRACE_MS = 15_000;
/**
 * A template first seen this soon after its source's first line was there all along: the console
 * (or the source) had just started, it was not brought by anything.
 */
const SOURCE_GRACE_MS = 10_000;
/** Less history than this before the recent window, and nothing can be said to spike. */
const MIN_BASELINE_MINUTES = 5;
/** Fewer lines than this in the recent window is noise, not a spike. */
const SPIKE_MIN_LINES = 10;

/**
 * Each service's latest release the console saw that brought something: a rollback goes back to
 * what ran before, so what is new is still counted from the release it undid.
 */
export function lastReleases(state: ConsoleState): Map<string, ReleaseEvent> {
  const out = new Map<string, ReleaseEvent>();
  for (const e of releaseEvents(state))
    if (e.data.rollback !== true && (out.get(e.data.service)?.at ?? 0) <= e.at) out.set(e.data.service, e);
  return out;
}

function rowOf(p: LogPattern, releasedAt: number | undefined, sourceSince: number, now: number): PatternRow {
  const minute = Math.floor(now / 60_000);
  const perMinute = Array.from(
    { length: SPARK_MINUTES },
    (_, i) => p.perMinute.get(minute - SPARK_MINUTES + 1 + i) ?? 0,
  );
  // The baseline is the 30 minutes before the recent 5, as far as the console has history of the
  // source (read back or watched), from its first whole minute.
  const historyStart = Math.max(
    Math.floor(sourceSince / 60_000) + 1,
    minute - RECENT_MINUTES - BASELINE_MINUTES + 1,
  );
  const baselineMinutes = minute - RECENT_MINUTES + 1 - historyStart;
  let recent = 0;
  let before = 0;
  for (const [m, n] of p.perMinute) {
    if (m > minute - RECENT_MINUTES) recent += n;
    else if (m >= historyStart) before += n;
  }
  // A release is dated when it was seen (the new container's start, its first health report): the
  // new version's first lines can come a little before that. But in the source's first seconds (no
  // history read back: the console and the source just started) that grace would take in what was
  // there all along: there, only a template first seen at or after the release itself is new.
  const isNew =
    releasedAt !== undefined &&
    p.firstSeen >= releasedAt - RELEASE_GRACE_MS &&
    (p.firstSeen > sourceSince + SOURCE_GRACE_MS || p.firstSeen >= releasedAt);
  // Against its own past: a restart whose read-back holds only the last few minutes has no
  // baseline yet, so nothing spikes; a template younger than the recent window is new, not spiking.
  const watchedBefore = p.firstSeen <= now - RECENT_MINUTES * 60_000;
  const spiking =
    watchedBefore &&
    baselineMinutes >= MIN_BASELINE_MINUTES &&
    recent >= SPIKE_MIN_LINES &&
    recent / RECENT_MINUTES >= (SPIKE_FACTOR * before) / baselineMinutes;
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

/**
 * The order the operator last saw, per screen: while the patterns view is open its rows keep their
 * places (counts change every second; a row must not move from under the cursor), new templates
 * join at the end, and a row leaving its mode leaves a gap closed up. Reset when the view closes or
 * its mode changes.
 */
const seenOrder = new Map<string, { mode: PatternMode; keys: string[] }>();
let shown:
  | { all: PatternRow[]; mode: PatternMode; screen: string; open: boolean; rows: PatternRow[] }
  | undefined;

function keepPlaces(rows: PatternRow[], screen: string, mode: PatternMode): PatternRow[] {
  const before = seenOrder.get(screen);
  if (!before || before.mode !== mode) {
    seenOrder.set(screen, { mode, keys: rows.map((r) => r.key) });
    return rows;
  }
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const kept = before.keys.filter((k) => byKey.has(k));
  const keptSet = new Set(kept);
  const ordered = [...kept, ...rows.map((r) => r.key).filter((k) => !keptSet.has(k))];
  seenOrder.set(screen, { mode, keys: ordered });
  return ordered.map((k) => byKey.get(k) as PatternRow);
}

/** The rows the patterns view shows in its mode: the same array until they change (views subscribe to it). */
export function patternsInMode(index: PatternIndex, state: ConsoleState): PatternRow[] {
  const all = currentPatternRows(index, state);
  const mode = state.ui.patternMode;
  const screen = state.ui.me?.name ?? '';
  const open = state.ui.view === 'patterns';
  if (!open) seenOrder.delete(screen);
  if (!shown || shown.all !== all || shown.mode !== mode || shown.screen !== screen || shown.open !== open) {
    const rows = all.filter(inMode(mode));
    shown = { all, mode, screen, open, rows: open ? keepPlaces(rows, screen, mode) : rows };
  }
  return shown.rows;
}

/** What the patterns view shows, and the selected row. */
export function visiblePatterns(index: PatternIndex, state: ConsoleState) {
  const rows = patternsInMode(index, state);
  return { rows, selected: rows[Math.min(state.ui.patternCursor, rows.length - 1)] };
}
