import { compileFilter, type LogFilter } from '../../logs/logFilter';
import type { LogRecord } from '../../logs/logRecord';
import { visibleLogLines } from '../../logs/visibleLogLines';
import type { Controller, ControllerContext } from './controllerContext';
import { storeAnchorLine, storeScroll } from './storeScroll';

const PIN_CONTEXT_LINES = 3;
/** The filter word `E` toggles: warnings, errors and worse. */
const ERRORS_FILTER = 'level:warn';

/** The log pane as the keys move it: follow, pause, scroll, filter, pivot, detail. */
export function logsController(ctx: ControllerContext) {
  const { logs, ui, setUi, say, openPrompt } = ctx;
  const newestSeq = () => logs.ring.at(logs.ring.size - 1)?.seq ?? 0;
  const oldestSeq = () => logs.ring.at(0)?.seq ?? 0;
  let pageRows = 10;
  const store = storeScroll(ctx, () => pageRows);
  const inStore = () => storeAnchorLine(ctx) !== undefined;

  const actions = {
    toggleFollow: () => {
      if (ui().followLogs) setUi({ followLogs: false, logAnchor: newestSeq(), logStoreAnchor: undefined });
      else setUi({ followLogs: true, logAnchor: undefined, logStoreAnchor: undefined });
    },
    toggleWrap: () => setUi({ wrapLogs: !ui().wrapLogs }),
    showDetail: () => {
      const picked = selectedLogLine(ctx);
      // A line read from the store is numbered in the store, not the ring: it goes whole.
      if (picked && storeAnchorLine(ctx))
        setUi({ overlay: 'detail', detailOf: 'log', detailSeq: undefined, detailLine: picked.record });
      else if (picked)
        setUi({ overlay: 'detail', detailOf: 'log', detailSeq: picked.record.seq, detailLine: undefined });
    },
    /** One key to the errors and warnings (`level:warn` added to the filter) and back. */
    toggleErrors: () => {
      const words = ui().logQuery.split(/\s+/).filter(Boolean);
      const on = words.includes(ERRORS_FILTER);
      const next = on
        ? words.filter((w) => w !== ERRORS_FILTER)
        : [...words.filter((w) => !w.startsWith('level:')), ERRORS_FILTER];
      setUi({ logQuery: next.join(' '), followLogs: true, logAnchor: undefined });
      say(on ? 'logs: every level again' : 'logs: warnings and errors only; E shows every level');
    },
    jumpToTime: () =>
      openPrompt({ purpose: 'jump', label: 'Jump to time (HH:MM or HH:MM:SS, UTC)', value: '' }),
    clearFilter: () => {
      if (ui().logQuery) {
        setUi({ logQuery: '' });
        say('log filter cleared');
      }
    },
    /** One key: every source filtered to the request id of the selected (bottom) log line. */
    pivotRequestId: () => {
      const id = selectedLogLine(ctx)?.record.requestId;
      if (!id) return say('the selected line has no request id (k/j pause and move the selection)');
      setUi({ logQuery: `rid:${id}`, followLogs: true, logAnchor: undefined });
      say(`following request ${id} across every source; Esc clears`);
    },
    /**
     * Moves the bottom of the paused log view by `delta` lines (negative is back in time); past the
     * ring's oldest line it goes on into the log store, and back.
     */
    scrollLogs: (delta = 0) => {
      const toRing = (target: number) => {
        const next = Math.min(newestSeq(), Math.max(oldestSeq(), target));
        if (next >= newestSeq() && delta > 0) setUi({ followLogs: true, logAnchor: undefined });
        else setUi({ followLogs: false, logAnchor: next });
      };
      if (inStore()) {
        if (delta < 0) return store.up(-delta);
        return store.down(delta, (overflow) => toRing(oldestSeq() + overflow));
      }
      const { followLogs, logAnchor } = ui();
      const anchor = followLogs || logAnchor === undefined ? newestSeq() : logAnchor;
      if (delta < 0 && ctx.search && anchor + delta < oldestSeq() && !followLogs && anchor <= oldestSeq())
        return store.up(Math.max(1, oldestSeq() - (anchor + delta)));
      toRing(anchor + delta);
    },
    /** The first line kept: the log store's first, when there is a store. */
    logsTop: () => {
      const ringTop = () =>
        setUi({ followLogs: false, logAnchor: Math.min(newestSeq(), oldestSeq() + pageRows - 1) });
      if (ctx.search) return store.top(ringTop);
      ringTop();
    },
    logsBottom: () => setUi({ followLogs: true, logAnchor: undefined, logStoreAnchor: undefined }),
    /** The view says how many rows the log pane has, for page-wise scrolling. */
    setLogPageRows: (rows = 10) => {
      pageRows = rows;
    },
  };

  /** Pauses at the last line at or before a UTC time of day (today, or yesterday if later than now). */
  const jumpTo = (text: string) => {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)
      return say(`expected a time of day such as 03:12 or 03:12:30 (UTC); got "${text.slice(0, 20)}"`);
    const now = new Date(ctx.store.getState().now);
    let t = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
      Number(m[1]),
      Number(m[2]),
      Number(m[3] ?? 0),
    );
    if (t > now.getTime()) t -= 86_400_000;
    let anchor: number | undefined;
    for (let i = logs.ring.size - 1; i >= 0; i--) {
      const r = logs.ring.at(i) as LogRecord;
      if (r.time <= t) {
        anchor = r.seq;
        break;
      }
    }
    if (anchor === undefined && ctx.search)
      return store.jumpTo(t, `paused at ${text} UTC in the log store; G follows again`);
    if (anchor === undefined) return say(`no kept log line is that old (${logs.ring.size} lines kept)`);
    setUi({ followLogs: false, logAnchor: anchor, logStoreAnchor: undefined });
    say(`paused at ${text} UTC; G follows again`);
  };

  return {
    actions,
    pageRows: () => pageRows,
    prompts: {
      jump: (value) => jumpTo(value),
    },
  } satisfies Controller<typeof actions> & { pageRows: () => number };
}

/** The filter the log pane applies, or none when the query is empty or does not parse. */
function activeFilter(ctx: ControllerContext): LogFilter | undefined {
  return compileFilter(ctx.ui().logQuery).filter;
}

/** The bottom line of the log pane as shown (the paused anchor, or the newest, through the filter). */
export function selectedLogLine(
  ctx: ControllerContext,
): { record: LogRecord; context: LogRecord[] } | undefined {
  const { logs, ui } = ctx;
  const fromStore = storeAnchorLine(ctx);
  if (fromStore) {
    const { lines, index } = fromStore;
    return {
      record: lines[index] as LogRecord,
      context: lines.slice(Math.max(0, index - PIN_CONTEXT_LINES), index),
    };
  }
  const first = logs.ring.at(0);
  if (!first) return undefined;
  const newest = logs.ring.at(logs.ring.size - 1)?.seq ?? 0;
  const anchor = ui().followLogs ? newest : (ui().logAnchor ?? newest);
  const [record] = visibleLogLines(logs.ring, 1, anchor, activeFilter(ctx));
  if (!record) return undefined;
  const index = record.seq - first.seq;
  const context: LogRecord[] = [];
  for (let i = Math.max(0, index - PIN_CONTEXT_LINES); i < index; i++)
    context.push(logs.ring.at(i) as LogRecord);
  return { record, context };
}

/** The names of this controller's actions, which its key bindings (`bindings/logsBindings.ts`) name. */
export type LogsAction = keyof ReturnType<typeof logsController>['actions'];
