import { compileFilter } from '../../logs/logFilter';
import type { LogRecord } from '../../logs/logRecord';
import type { ConsoleState } from '../../store/consoleStore';
import { HISTORY_LINES, identity } from '../logHistory';
import type { ControllerContext } from './controllerContext';

type History = NonNullable<ConsoleState['ui']['logHistory']>;

/** The loaded store lines of the current filter, when the screen has them. */
export function currentHistory(ctx: Pick<ControllerContext, 'ui'>): History | undefined {
  const h = ctx.ui().logHistory;
  return h?.query === ctx.ui().logQuery ? h : undefined;
}

/** The store line at the bottom of the pane while it is scrolled back into the store. */
export function storeAnchorLine(
  ctx: Pick<ControllerContext, 'ui'>,
): { lines: LogRecord[]; index: number } | undefined {
  const { followLogs, logStoreAnchor } = ctx.ui();
  const h = currentHistory(ctx);
  if (followLogs || logStoreAnchor === undefined || !h?.lines[logStoreAnchor]) return undefined;
  return { lines: h.lines, index: logStoreAnchor };
}

/**
 * The log pane scrolled past the ring's oldest line into the log store, a page of HISTORY_LINES at
 * a time: the page before is asked for as the bottom row nears the top of what is loaded, and after
 * a jump (`@` to a time the ring no longer holds, `g` to the first stored line) the page after as it
 * nears the end, until the pages meet the ring. The pane scrolls back to the first line stored.
 */
export function storeScroll(ctx: ControllerContext, pageRows: () => number) {
  let asking = false;
  const filter = () => compileFilter(ctx.ui().logQuery).filter ?? {};
  const ringOldest = () => ctx.logs.ring.at(0);
  const ringIds = () => {
    const ids = new Set<string>();
    for (let i = 0; i < ctx.logs.ring.size; i++) ids.add(identity(ctx.logs.ring.at(i) as LogRecord));
    return ids;
  };

  /** One question to the store; `fold` makes the new history from the loaded lines and the fresh ones. */
  const ask = (
    q: { since?: number; until?: number },
    end: 'newest' | 'oldest',
    fold: (
      loaded: LogRecord[],
      fresh: LogRecord[],
      full: boolean,
    ) => { history: Partial<History>; anchor?: number },
    /** The answer replaces what was loaded (a jump), rather than adding to it. */
    replace = false,
  ) => {
    const search = ctx.search;
    if (!search || asking) return;
    asking = true;
    const query = ctx.ui().logQuery;
    const loaded = replace ? [] : (currentHistory(ctx)?.lines ?? []);
    ctx.setUi({ logHistory: { ...(currentHistory(ctx) ?? { query, lines: [] }), searching: true } });
    void search({ filter: filter(), ...q }, HISTORY_LINES, end).then((answer) => {
      asking = false;
      if (ctx.ui().logQuery !== query) return; // the filter changed since: its own answer will come
      const known = ringIds();
      for (const r of loaded) known.add(identity(r));
      const fresh = answer.lines.filter((r) => !known.has(identity(r)));
      const { history, anchor } = fold(loaded, fresh, answer.lines.length >= HISTORY_LINES);
      const previous = currentHistory(ctx);
      ctx.setUi({
        logHistory: {
          query,
          lines: loaded,
          ...(previous?.complete && { complete: true }),
          ...(previous?.gapAfter && { gapAfter: true }),
          ...history,
          searching: false,
          ...(answer.error && { error: answer.error }),
        },
        ...(anchor !== undefined && { logStoreAnchor: anchor, followLogs: false }),
      });
    });
  };

  /** Does a page that ends at `last` reach the ring (no lines left between them)? */
  const reachesRing = (fresh: LogRecord[], full: boolean) => {
    const oldest = ringOldest();
    return !full || !oldest || (fresh.at(-1)?.time ?? 0) >= oldest.time;
  };

  const pageBefore = (shift: boolean) => {
    const h = currentHistory(ctx);
    const until = h?.lines[0]?.time ?? ringOldest()?.time;
    ask({ ...(until !== undefined && { until }) }, 'newest', (loaded, fresh) => {
      const anchor = ctx.ui().logStoreAnchor;
      return {
        history: { lines: [...fresh, ...loaded], ...(fresh.length === 0 && { complete: true }) },
        ...(shift && anchor !== undefined && { anchor: anchor + fresh.length }),
      };
    });
  };

  const pageAfter = () => {
    const since = currentHistory(ctx)?.lines.at(-1)?.time;
    ask({ ...(since !== undefined && { since }) }, 'oldest', (loaded, fresh, full) => ({
      history: { lines: [...loaded, ...fresh], gapAfter: !reachesRing(fresh, full) },
    }));
  };

  /** The bottom row `n` lines further back. */
  const up = (n: number) => {
    const h = currentHistory(ctx);
    const at = ctx.ui().logStoreAnchor;
    const inStore = !ctx.ui().followLogs && at !== undefined && h?.lines[at] !== undefined;
    if (!inStore) {
      // Leaving the ring's top: the loaded lines just above it, else the page before it.
      if (h && h.lines.length > 0 && !h.gapAfter)
        return ctx.setUi({ followLogs: false, logStoreAnchor: Math.max(0, h.lines.length - n) });
      if (h?.complete && !h.gapAfter) return ctx.say('the log store holds nothing older');
      // Nothing loaded, or a page far back (after `g` or `@`) that does not reach the ring: the
      // page just before the ring replaces it.
      return ask(
        ringOldest() ? { until: (ringOldest() as LogRecord).time } : {},
        'newest',
        (_loaded, fresh) => ({
          history: { lines: fresh, complete: fresh.length === 0, gapAfter: false },
          ...(fresh.length > 0 && { anchor: Math.max(0, fresh.length - n) }),
        }),
        true,
      );
    }
    const lowest = h?.complete ? Math.min(pageRows() - 1, h.lines.length - 1) : 0;
    const next = Math.max(lowest, (at as number) - n);
    ctx.setUi({ logStoreAnchor: next });
    if (!h?.complete && next < 2 * pageRows()) pageBefore(true);
  };

  /** The bottom row `n` lines forward; past the loaded lines, back into the ring. */
  const down = (n: number, toRing: (overflow: number) => void) => {
    const h = currentHistory(ctx) as History;
    const next = (ctx.ui().logStoreAnchor ?? 0) + n;
    if (next < h.lines.length) {
      ctx.setUi({ logStoreAnchor: next });
      if (h.gapAfter && next > h.lines.length - 2 * pageRows()) pageAfter();
      return;
    }
    if (h.gapAfter) {
      ctx.setUi({ logStoreAnchor: h.lines.length - 1 });
      return pageAfter();
    }
    ctx.setUi({ logStoreAnchor: undefined });
    toRing(next - h.lines.length);
  };

  /** A page of the store ending at `until` in place of what was loaded (`@` past the ring). */
  const jumpTo = (until: number, said: string) =>
    ask(
      { until },
      'newest',
      (_loaded, fresh) => {
        ctx.say(fresh.length > 0 ? said : 'the log store holds nothing that old');
        return {
          history: { lines: fresh, gapAfter: true, complete: fresh.length < HISTORY_LINES },
          ...(fresh.length > 0 && { anchor: fresh.length - 1 }),
        };
      },
      true,
    );

  /** The first lines the store holds (`g`); when the ring holds them all, the ring's top. */
  const top = (ringTop: () => void) =>
    ask(
      {},
      'oldest',
      (_loaded, fresh, full) => {
        if (fresh.length === 0) ringTop();
        return {
          history: { lines: fresh, complete: true, gapAfter: !reachesRing(fresh, full) },
          ...(fresh.length > 0 && { anchor: Math.min(pageRows() - 1, fresh.length - 1) }),
        };
      },
      true,
    );

  return { up, down, jumpTo, top };
}
