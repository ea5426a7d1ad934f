import type { LogBuffer } from '../logs/logBuffer';
import { compileFilter, type LogFilter } from '../logs/logFilter';
import type { LogRecord } from '../logs/logRecord';
import { visibleLogLines } from '../logs/visibleLogLines';
import { isSeverity, isStatus, SEVERITIES, STATUSES } from '../model/incident';
import { RECORD_KINDS, type RecordKind } from '../model/journalRecord';
import type { IncidentSession } from '../session/incidentSession';
import type { TriageSession } from '../session/triageSession';
import { firstLineOf } from '../userError';
import type { ConsoleState, ConsoleStore, PaneId, Prompt } from './consoleStore';

/** What the actions need from the program around the store. */
export interface ActionHost {
  exit(): void;
  /** Rows of the log pane, for page-wise scrolling. */
  logPageSize(): number;
  /** The incident journal; absent in views rendered without one (tests of layout). */
  incident?: IncidentSession;
  triage?: TriageSession;
  stateDir?: string;
}

const PANES: PaneId[] = ['containers', 'rates', 'logs'];
const PIN_CONTEXT_LINES = 3;

/** The timeline entries the view shows, after the kind filter. */
export function visibleTimeline(state: ConsoleState) {
  const f = state.ui.timelineFilter;
  return f ? state.incident.timeline.filter((e) => e.kind === f) : state.incident.timeline;
}

/**
 * Every operator action by name. The keymap maps keys to these names, so input handling and the
 * help overlay are driven by one table and cannot disagree. Actions change the store; anything
 * that must be recorded goes through the incident session, which writes the journal first.
 */
export function createActions(store: ConsoleStore, logs: LogBuffer, host: ActionHost) {
  const ui = () => store.getState().ui;
  const setUi = (patch: Partial<ConsoleState['ui']>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
  const say = (message: string) => setUi({ message });
  const newestSeq = () => logs.ring.at(logs.ring.size - 1)?.seq ?? 0;
  const oldestSeq = () => logs.ring.at(0)?.seq ?? 0;
  const incidentOpen = () => {
    const a = store.getState().incident.active;
    return a !== undefined && a.status !== 'resolved';
  };
  const openPrompt = (prompt: Prompt) => setUi({ overlay: 'prompt', prompt });
  /** The filter prompt applies as it is typed; other prompts only on Enter. */
  const setPromptValue = (p: Prompt, value: string) =>
    setUi({ prompt: { ...p, value }, ...(p.purpose === 'filter' && { logQuery: value }) });
  const needIncident = (what: string): IncidentSession | undefined => {
    if (!host.incident) return undefined;
    if (!incidentOpen()) {
      say(`no open incident: press D to declare one before you ${what}`);
      return undefined;
    }
    return host.incident;
  };
  /** Runs a journal write; a failure (disk full, permissions) is shown, never swallowed. */
  const journaled = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      say(`could not record ${what}: ${firstLineOf(err)}`);
    }
  };

  /** Moves the bottom of the paused log view by `delta` lines (negative is back in time). */
  const scrollLogs = (delta: number) => {
    const { followLogs, logAnchor } = ui();
    const anchor = followLogs || logAnchor === undefined ? newestSeq() : logAnchor;
    const next = Math.min(newestSeq(), Math.max(oldestSeq(), anchor + delta));
    if (next >= newestSeq() && delta > 0) setUi({ followLogs: true, logAnchor: undefined });
    else setUi({ followLogs: false, logAnchor: next });
  };

  const moveTimeline = (delta: number) => {
    const count = visibleTimeline(store.getState()).length;
    setUi({ timelineCursor: Math.max(0, Math.min(count - 1, ui().timelineCursor + delta)) });
  };

  const scroll = (lines: number) => (ui().view === 'timeline' ? moveTimeline(lines) : scrollLogs(lines));

  const selectedTimelineEntry = () => visibleTimeline(store.getState())[ui().timelineCursor];

  /** The filter the log pane applies, or none when the query is empty or does not parse. */
  const activeFilter = (): LogFilter | undefined => compileFilter(ui().logQuery).filter;

  /** The bottom line of the log pane as shown (the paused anchor, or the newest, through the filter). */
  const selectedLogLine = (): { record: LogRecord; context: LogRecord[] } | undefined => {
    const first = logs.ring.at(0);
    if (!first) return undefined;
    const anchor = ui().followLogs ? newestSeq() : (ui().logAnchor ?? newestSeq());
    const [record] = visibleLogLines(logs.ring, 1, anchor, activeFilter());
    if (!record) return undefined;
    const index = record.seq - first.seq;
    const context: LogRecord[] = [];
    for (let i = Math.max(0, index - PIN_CONTEXT_LINES); i < index; i++)
      context.push(logs.ring.at(i) as LogRecord);
    return { record, context };
  };

  const submitPrompt = () => {
    const prompt = ui().prompt;
    if (!prompt) return;
    const value = prompt.value.trim();
    setUi({ overlay: 'none', prompt: undefined });
    // Prompts that need no incident first.
    if (prompt.purpose === 'filter') return setUi({ logQuery: prompt.value });
    if (prompt.purpose === 'jump') return jumpTo(value);
    const session = host.incident;
    if (!session) return;
    switch (prompt.purpose) {
      case 'declare-title':
        if (value === '') return say('declaration cancelled: a title is needed');
        return openPrompt({
          purpose: 'declare-severity',
          label: 'Severity',
          value: '',
          carry: value,
          choices: Object.entries(SEVERITIES).map(([k, d], i) => ({
            key: String(i),
            label: `${k}  ${d}`,
            value: k,
          })),
        });
      case 'declare-severity':
        if (!isSeverity(value)) return;
        return journaled('the declaration', () => {
          const active = session.declare(prompt.carry ?? 'incident', value);
          say(`declared ${active.id} (${active.severity}); n adds a note, t shows the timeline`);
        });
      case 'note':
        if (value === '') return;
        return journaled('the note', () => {
          session.note(value);
          say('note recorded');
        });
      case 'status':
        if (!isStatus(value)) return;
        return journaled('the status', () => {
          session.setStatus(value);
          say(`status: ${value}`);
        });
      case 'severity':
        if (!isSeverity(value)) return;
        return journaled('the severity', () => session.setSeverity(value));
      case 'parameter':
        try {
          host.triage?.current?.setParameter(prompt.carry ?? '', value);
          return say(`${prompt.carry} = ${value}`);
        } catch (err) {
          return say((err as Error).message);
        }
      case 'confirm-step':
        return startStep(value);
    }
  };

  /** Pauses the logs at the last line at or before a UTC time of day (today, or yesterday if later than now). */
  const jumpTo = (text: string) => {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (!m) return say('expected a time such as 03:12 or 03:12:30 (UTC)');
    const now = new Date(store.getState().now);
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
    if (anchor === undefined) return say(`no kept log line is that old (${logs.ring.size} lines kept)`);
    setUi({ followLogs: false, logAnchor: anchor });
    say(`paused at ${text} UTC; G follows again`);
  };

  /** Runs the current step in the background; the view shows it running and then its result. */
  const startStep = (typed?: string) => {
    const run = host.triage?.current;
    if (!run) return;
    run.runStep(typed).then(
      (r) =>
        say(
          r.dryRun
            ? 'dry run recorded; nothing was executed'
            : `exit ${r.exitCode} in ${r.durationMs}ms${r.timedOut ? ' (timed out)' : r.cancelled ? ' (cancelled)' : ''}`,
        ),
      (err: Error) => say(err.message),
    );
  };

  const triageRun = () => host.triage?.current;

  return guarded(say, {
    toggleHelp: () => setUi({ overlay: ui().overlay === 'help' ? 'none' : 'help' }),
    closeOverlay: () => {
      // Cancelling the filter prompt puts back the filter it started from.
      const p = ui().prompt;
      setUi({
        overlay: 'none',
        prompt: undefined,
        ...(p?.purpose === 'filter' && { logQuery: p.carry ?? '' }),
      });
    },
    quit: () => {
      if (incidentOpen()) setUi({ overlay: 'confirm-quit' });
      else host.exit();
    },
    confirmQuit: () => host.exit(),
    focusNext: () => setUi({ focus: PANES[(PANES.indexOf(ui().focus) + 1) % PANES.length] as PaneId }),
    focusPrevious: () =>
      setUi({ focus: PANES[(PANES.indexOf(ui().focus) + PANES.length - 1) % PANES.length] as PaneId }),
    focusContainers: () => setUi({ focus: 'containers', view: 'dashboard' }),
    focusRates: () => setUi({ focus: 'rates', view: 'dashboard' }),
    focusLogs: () => setUi({ focus: 'logs', view: 'dashboard' }),
    toggleFollow: () => {
      if (ui().followLogs) setUi({ followLogs: false, logAnchor: newestSeq() });
      else setUi({ followLogs: true, logAnchor: undefined });
    },
    scrollUp: () => scroll(-1),
    scrollDown: () => scroll(1),
    pageUp: () => scroll(-host.logPageSize()),
    pageDown: () => scroll(host.logPageSize()),
    scrollTop: () =>
      ui().view === 'timeline'
        ? setUi({ timelineCursor: 0 })
        : setUi({
            followLogs: false,
            logAnchor: Math.min(newestSeq(), oldestSeq() + host.logPageSize() - 1),
          }),
    scrollBottom: () =>
      ui().view === 'timeline'
        ? moveTimeline(Number.MAX_SAFE_INTEGER)
        : setUi({ followLogs: true, logAnchor: undefined }),

    declareIncident: () => {
      if (!host.incident) return;
      if (incidentOpen()) return say(`incident ${store.getState().incident.active?.id} is already open`);
      openPrompt({ purpose: 'declare-title', label: 'Incident title', value: '' });
    },
    addNote: () => {
      if (needIncident('add a note')) openPrompt({ purpose: 'note', label: 'Note', value: '' });
    },
    changeStatus: () => {
      if (!needIncident('change the status')) return;
      openPrompt({
        purpose: 'status',
        label: 'Status',
        value: '',
        choices: STATUSES.map((s, i) => ({ key: String(i + 1), label: s, value: s })),
      });
    },
    changeSeverity: () => {
      if (!needIncident('change the severity')) return;
      openPrompt({
        purpose: 'severity',
        label: 'Severity',
        value: '',
        choices: Object.entries(SEVERITIES).map(([k, d], i) => ({
          key: String(i),
          label: `${k}  ${d}`,
          value: k,
        })),
      });
    },
    toggleTimeline: () => setUi({ view: ui().view === 'timeline' ? 'dashboard' : 'timeline' }),
    toggleStar: () => {
      const entry = selectedTimelineEntry();
      const session = needIncident('star an event');
      if (entry && session) journaled('the star', () => session.toggleStar(entry.seq));
    },
    markActionItem: () => {
      const entry = selectedTimelineEntry();
      const session = needIncident('mark an action item');
      if (!entry || !session) return;
      if (entry.kind !== 'note') return say('only notes can become action items');
      journaled('the action item', () =>
        say(session.markActionItem(entry.seq) ? 'marked as an action item' : 'already an action item'),
      );
    },
    cycleTimelineFilter: () => {
      const present = RECORD_KINDS.filter((k) =>
        store.getState().incident.timeline.some((e) => e.kind === k),
      );
      const current = ui().timelineFilter;
      const next: RecordKind | undefined =
        current === undefined ? present[0] : present[present.indexOf(current) + 1];
      setUi({ timelineFilter: next, timelineCursor: 0 });
      say(next ? `timeline: only ${next}` : 'timeline: everything');
    },
    pinLogLine: () => {
      const session = needIncident('pin a log line');
      const picked = selectedLogLine();
      if (!session || !picked) return;
      journaled('the pinned line', () => {
        session.pin(
          picked.record.source,
          picked.record.text,
          picked.context.map((c) => `${c.source}: ${c.text}`),
          picked.record.time,
        );
        say(`pinned a ${picked.record.source} line to the timeline`);
      });
    },
    exportDraft: () => {
      const session = host.incident;
      if (!session || !host.stateDir || !store.getState().incident.active)
        return say('no incident to export');
      journaled('the export', () =>
        say(`post-mortem draft written to ${session.exportDraft(host.stateDir as string)}`),
      );
    },

    openTriage: () => {
      if (!host.triage) return;
      if (!incidentOpen())
        return say('declare an incident first (D): the triage is recorded in its timeline');
      if (!host.triage.current) {
        try {
          host.triage.start();
        } catch (err) {
          return say((err as Error).message);
        }
      }
      setUi({ view: 'triage' });
    },
    leaveTriage: () => setUi({ view: 'dashboard' }),
    triageYes: () => journaled('the answer', () => triageRun()?.answer('yes')),
    triageNo: () => journaled('the answer', () => triageRun()?.answer('no')),
    /** Number keys: pick a choice, or tick a checklist item. */
    triagePick: (index = 0) => {
      const run = triageRun();
      if (!run) return;
      if (run.node.kind === 'question' && run.node.choices)
        journaled('the answer', () => run.answer(String(index)));
      else if (run.node.kind === 'checklist') journaled('the tick', () => run.toggleTick(index));
    },
    /** Enter: accept the data's proposal, move past a done step, or follow an outcome. */
    triageAccept: () => {
      const run = triageRun();
      if (!run) return;
      const view = run.view();
      if (view.kind === 'question') {
        const v = view.proposal?.verdict;
        if (v === 'yes' || v === 'no') journaled('the answer', () => run.answer(v));
        else say('the data cannot answer this one: press y or n');
        return;
      }
      if (view.kind === 'outcome') {
        if (!view.outcome?.next) return say('end of this playbook');
        return journaled('the next playbook', () => host.triage?.follow());
      }
      if ((view.kind === 'command' || view.kind === 'shell') && !view.lastResult)
        return say('press r to run this step, s to skip it');
      journaled('the step', () => run.continue());
    },
    triageRunStep: () => {
      const run = triageRun();
      const plan = run?.commandPlan();
      if (!run || !plan) return;
      if (run.isRunning) return say('already running; Ctrl-C stops it');
      const [missing] = plan.missing;
      if (missing)
        return openPrompt({
          purpose: 'parameter',
          label: `Value for {{${missing}}}`,
          value: '',
          carry: missing,
        });
      const word = run.confirmationWord();
      if (word !== undefined && !run.dryRun) {
        return openPrompt({
          purpose: 'confirm-step',
          label: `Destructive. Type "${word}" to run on ${plan.host}: ${plan.argv.join(' ')}`,
          value: '',
        });
      }
      startStep(word);
    },
    triageDryRun: () => triageRun()?.toggleDryRun(),
    triageSkip: () => journaled('the skip', () => triageRun()?.skipStep('skipped by the operator')),
    /** Ctrl-C: stop a running step; with nothing running, quit as usual. */
    triageInterrupt: () => {
      if (triageRun()?.cancelStep()) say('stopping the step…');
      else if (incidentOpen()) setUi({ overlay: 'confirm-quit' });
      else host.exit();
    },

    toggleWrap: () => setUi({ wrapLogs: !ui().wrapLogs }),
    showDetail: () => {
      const picked = selectedLogLine();
      if (picked) setUi({ overlay: 'detail', detailSeq: picked.record.seq });
    },
    jumpToTime: () =>
      openPrompt({ purpose: 'jump', label: 'Jump to time (HH:MM or HH:MM:SS, UTC)', value: '' }),
    openFilter: () =>
      openPrompt({
        purpose: 'filter',
        label: 'Filter logs (rid:ID level:warn src:api word -word /re/)',
        value: ui().logQuery,
        carry: ui().logQuery,
      }),
    clearFilter: () => {
      if (ui().logQuery) {
        setUi({ logQuery: '' });
        say('log filter cleared');
      }
    },
    /** One key: every source filtered to the request id of the selected (bottom) log line. */
    pivotRequestId: () => {
      const picked = selectedLogLine();
      const id = picked?.record.requestId;
      if (!id) return say('the selected line has no request id (k/j pause and move the selection)');
      setUi({ logQuery: `rid:${id}`, followLogs: true, logAnchor: undefined });
      say(`following request ${id} across every source; Esc clears`);
    },

    openPalette: () => setUi({ overlay: 'palette', palette: { query: '', cursor: 0 } }),
    paletteUp: () => setUi({ palette: { ...ui().palette, cursor: Math.max(0, ui().palette.cursor - 1) } }),
    paletteDown: () => setUi({ palette: { ...ui().palette, cursor: ui().palette.cursor + 1 } }),
    paletteBackspace: () =>
      setUi({ palette: { query: [...ui().palette.query].slice(0, -1).join(''), cursor: 0 } }),
    paletteType: (text: string) => {
      const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
      if (printable) setUi({ palette: { query: (ui().palette.query + printable).slice(0, 80), cursor: 0 } });
    },

    submitPrompt,
    promptBackspace: () => {
      const p = ui().prompt;
      if (p && !p.choices) setPromptValue(p, [...p.value].slice(0, -1).join(''));
    },
    /** Text typed into the open prompt; a choice prompt submits on its key. */
    promptType: (text: string) => {
      const p = ui().prompt;
      if (!p) return;
      if (p.choices) {
        const choice = p.choices.find((c) => c.key === text);
        if (choice) {
          setUi({ prompt: { ...p, value: choice.value } });
          submitPrompt();
        }
        return;
      }
      // Pasted text may carry newlines or escapes: only printable characters go into the field.
      const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
      if (printable) setPromptValue(p, (p.value + printable).slice(0, 500));
    },
  });
}

/**
 * Every action, guarded: one that throws (a journal that refuses a record, a full disk, a host that
 * is gone) says why on the status line instead of ending the console.
 */
function guarded<T extends Record<string, (...args: never[]) => unknown>>(
  say: (m: string) => void,
  actions: T,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(actions)) {
    out[name] = (...args: never[]) => {
      try {
        return fn(...args);
      } catch (err) {
        say(firstLineOf(err));
        return undefined;
      }
    };
  }
  return out as T;
}

export type Actions = ReturnType<typeof createActions>;
export type ActionName = Exclude<keyof Actions, 'promptType' | 'paletteType'>;
