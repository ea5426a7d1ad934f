import type { Key } from 'ink';
import type { ActionName } from '../src/store/actions';
import type { ConsoleState } from '../src/store/consoleStore';

export interface KeyBinding {
  /** Key names as produced by `keyName`: "q", "?", "tab", "up", "ctrl+c", "pagedown"... */
  keys: string[];
  action: ActionName;
  description: string;
  /** Passed to the action: which choice or checklist item a number key picks. */
  arg?: number;
}

export type KeyMode =
  | 'dashboard'
  | 'timeline'
  | 'triage'
  | 'help'
  | 'confirm-quit'
  | 'prompt'
  | 'palette'
  | 'detail';

/** Bindings that work on both main views. */
const GLOBAL: KeyBinding[] = [
  { keys: ['?'], action: 'toggleHelp', description: 'this help' },
  { keys: [':'], action: 'openPalette', description: 'command palette' },
  { keys: ['q', 'ctrl+c'], action: 'quit', description: 'quit (asks if incident)' },
  { keys: ['tab'], action: 'focusNext', description: 'next pane' },
  { keys: ['shift+tab'], action: 'focusPrevious', description: 'previous pane' },
  { keys: ['1'], action: 'focusContainers', description: 'containers pane' },
  { keys: ['2'], action: 'focusRates', description: 'error-rate pane' },
  { keys: ['3'], action: 'focusLogs', description: 'log pane' },
  { keys: ['t'], action: 'toggleTimeline', description: 'timeline / dashboard' },
  { keys: ['D'], action: 'declareIncident', description: 'declare an incident' },
  { keys: ['n', 'N'], action: 'addNote', description: 'add a note' },
  { keys: ['T'], action: 'openTriage', description: 'guided triage' },
  { keys: ['S'], action: 'changeStatus', description: 'incident status' },
  { keys: ['V'], action: 'changeSeverity', description: 'incident severity' },
  { keys: ['e'], action: 'exportDraft', description: 'export post-mortem' },
  { keys: ['k', 'up'], action: 'scrollUp', description: 'up one line' },
  { keys: ['j', 'down'], action: 'scrollDown', description: 'down one line' },
  { keys: ['ctrl+b', 'pageup'], action: 'pageUp', description: 'up one page' },
  { keys: ['ctrl+f', 'pagedown'], action: 'pageDown', description: 'down one page' },
  { keys: ['g', 'home'], action: 'scrollTop', description: 'top' },
  { keys: ['G', 'end'], action: 'scrollBottom', description: 'bottom; logs follow' },
];

/**
 * The one keymap. Input handling looks keys up here and the help overlay is rendered from it, so a
 * binding documented is a binding that works.
 */
export const KEYMAP: Record<KeyMode, KeyBinding[]> = {
  dashboard: [
    ...GLOBAL,
    { keys: ['f'], action: 'toggleFollow', description: 'logs: follow/pause' },
    { keys: ['p'], action: 'pinLogLine', description: 'logs: pin bottom line' },
    { keys: ['/'], action: 'openFilter', description: 'logs: filter (live)' },
    { keys: ['r'], action: 'pivotRequestId', description: "logs: follow line's request" },
    { keys: ['escape'], action: 'clearFilter', description: 'logs: clear the filter' },
    { keys: ['return'], action: 'showDetail', description: 'logs: line detail (JSON)' },
    { keys: ['w'], action: 'toggleWrap', description: 'logs: wrap long lines' },
    { keys: ['@'], action: 'jumpToTime', description: 'logs: jump to a time' },
  ],
  timeline: [
    ...GLOBAL,
    { keys: ['*'], action: 'toggleStar', description: 't: star event' },
    { keys: ['a'], action: 'markActionItem', description: 't: note → action item' },
    { keys: ['F'], action: 'cycleTimelineFilter', description: 't: filter by kind' },
  ],
  triage: [
    { keys: ['y'], action: 'triageYes', description: 'T: answer yes' },
    { keys: ['n'], action: 'triageNo', description: 'T: answer no' },
    { keys: ['return'], action: 'triageAccept', description: 'T: accept data, go on' },
    ...Array.from({ length: 9 }, (_, i) => ({
      keys: [String(i + 1)],
      action: 'triagePick' as const,
      arg: i,
      description: 'T: pick / tick item',
    })),
    { keys: ['r'], action: 'triageRunStep', description: 'T: run the step' },
    { keys: ['d'], action: 'triageDryRun', description: 'T: dry run on/off' },
    { keys: ['s'], action: 'triageSkip', description: 'T: skip the step' },
    { keys: ['ctrl+c'], action: 'triageInterrupt', description: 'T: stop the step' },
    { keys: ['escape'], action: 'leaveTriage', description: 'T: back to dashboard' },
    ...GLOBAL,
  ],
  help: [
    { keys: ['?', 'escape', 'q'], action: 'closeOverlay', description: 'close help' },
    { keys: ['ctrl+c'], action: 'quit', description: 'quit' },
  ],
  'confirm-quit': [
    {
      keys: ['y'],
      action: 'confirmQuit',
      description: 'quit; the incident stays open and resumes next start',
    },
    { keys: ['n', 'escape', 'q'], action: 'closeOverlay', description: 'stay' },
    { keys: ['ctrl+c'], action: 'confirmQuit', description: 'quit' },
  ],
  detail: [
    { keys: ['escape', 'q', 'return'], action: 'closeOverlay', description: 'close the detail' },
    { keys: ['ctrl+c'], action: 'quit', description: 'quit' },
  ],
  palette: [
    { keys: ['escape', 'ctrl+c'], action: 'closeOverlay', description: 'close the palette' },
    { keys: ['up', 'ctrl+p'], action: 'paletteUp', description: 'previous entry' },
    { keys: ['down', 'ctrl+n'], action: 'paletteDown', description: 'next entry' },
    { keys: ['backspace'], action: 'paletteBackspace', description: 'delete a character' },
  ],
  prompt: [
    { keys: ['return'], action: 'submitPrompt', description: 'accept' },
    { keys: ['escape', 'ctrl+c'], action: 'closeOverlay', description: 'cancel' },
    { keys: ['backspace'], action: 'promptBackspace', description: 'delete a character' },
  ],
};

export function keyModeOf(ui: ConsoleState['ui']): KeyMode {
  return ui.overlay === 'none' ? ui.view : ui.overlay;
}

/** A stable name for a keypress as Ink reports it. */
export function keyName(input: string, key: Key): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.escape) return 'escape';
  if (key.return) return 'return';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  return input || undefined;
}

export function bindingFor(mode: KeyMode, name: string): KeyBinding | undefined {
  return KEYMAP[mode].find((b) => b.keys.includes(name));
}

const KEY_LABELS: Record<string, string> = {
  ' ': 'Space',
  up: '↑',
  down: '↓',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  escape: 'Esc',
  return: 'Enter',
  tab: 'Tab',
  'shift+tab': 'S-Tab',
  backspace: 'Bksp',
};

/** "k, ↑" style label for the help overlay; ctrl+f is shown as ^F, a run of digits as 1-9. */
export function keysLabel(binding: KeyBinding): string {
  const keys = binding.keys.map(
    (k) => KEY_LABELS[k] ?? (k.startsWith('ctrl+') ? `^${k.slice(5).toUpperCase()}` : k),
  );
  const digits = keys.filter((k) => /^\d$/.test(k));
  if (digits.length > 2)
    return [`${digits[0]}-${digits.at(-1)}`, ...keys.filter((k) => !/^\d$/.test(k))].join(', ');
  return keys.join(', ');
}
