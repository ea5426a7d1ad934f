import type { Key } from 'ink';
import type { ActionName } from '../src/store/actions';
import type { Overlay } from '../src/store/consoleStore';

export interface KeyBinding {
  /** Key names as produced by `keyName`: "q", "?", "tab", "up", "ctrl+c", "pagedown"... */
  keys: string[];
  action: ActionName;
  description: string;
}

/**
 * The one keymap. Input handling looks keys up here and the help overlay is rendered from it, so a
 * binding documented is a binding that works. Each overlay has its own small table.
 */
export const KEYMAP: Record<Overlay, KeyBinding[]> = {
  none: [
    { keys: ['?'], action: 'toggleHelp', description: 'show this help' },
    { keys: ['q', 'ctrl+c'], action: 'quit', description: 'quit (asks first while an incident is open)' },
    { keys: ['tab'], action: 'focusNext', description: 'focus the next pane' },
    { keys: ['shift+tab'], action: 'focusPrevious', description: 'focus the previous pane' },
    { keys: ['1'], action: 'focusContainers', description: 'focus containers' },
    { keys: ['2'], action: 'focusRates', description: 'focus error rates' },
    { keys: ['3'], action: 'focusLogs', description: 'focus logs' },
    { keys: ['f'], action: 'toggleFollow', description: 'follow or pause the logs' },
    { keys: ['k', 'up'], action: 'scrollUp', description: 'scroll logs up one line' },
    { keys: ['j', 'down'], action: 'scrollDown', description: 'scroll logs down one line' },
    { keys: ['ctrl+b', 'pageup'], action: 'pageUp', description: 'scroll logs up one page' },
    { keys: ['ctrl+f', 'pagedown'], action: 'pageDown', description: 'scroll logs down one page' },
    { keys: ['g', 'home'], action: 'scrollTop', description: 'oldest log lines' },
    { keys: ['G', 'end'], action: 'scrollBottom', description: 'newest log lines, following' },
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
};

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

export function bindingFor(overlay: Overlay, name: string): KeyBinding | undefined {
  return KEYMAP[overlay].find((b) => b.keys.includes(name));
}

/** "k, up" style label for the help overlay. */
export function keysLabel(binding: KeyBinding): string {
  return binding.keys.map((k) => (k === ' ' ? 'space' : k)).join(', ');
}
