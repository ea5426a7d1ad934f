import type { Bindings, KeyBinding } from '../../model/keys';
import type { FocusAction } from '../controllers/focusController';

const ACTIVATE: KeyBinding<FocusAction> = {
  keys: ['return'],
  action: 'activate',
  description: 'detail · describe · fold',
};

/** The keys that reach these actions, by mode (`global`: every main view). */
export const FOCUS_BINDINGS: Bindings<FocusAction> = {
  global: [
    { keys: ['?'], action: 'toggleHelp', description: 'this help' },
    { keys: ['q', 'ctrl+c'], action: 'quit', description: 'quit (asks if incident)' },
    { keys: ['tab'], action: 'focusNext', description: 'next pane' },
    { keys: ['shift+tab'], action: 'focusPrevious', description: 'previous pane' },
    { keys: ['1'], action: 'focusContainers', description: 'containers pane' },
    { keys: ['2'], action: 'focusRates', description: 'error-rate pane' },
    { keys: ['3'], action: 'focusLogs', description: 'log pane' },
    { keys: ['k', 'up'], action: 'scrollUp', description: 'up one line' },
    { keys: ['j', 'down'], action: 'scrollDown', description: 'down one line' },
    { keys: ['ctrl+b', 'pageup'], action: 'pageUp', description: 'up one page' },
    { keys: ['ctrl+f', 'pagedown'], action: 'pageDown', description: 'down one page' },
    { keys: ['g', 'home'], action: 'scrollTop', description: 'top' },
    { keys: ['G', 'end'], action: 'scrollBottom', description: 'bottom; logs follow' },
  ],
  dashboard: [{ keys: ['/'], action: 'openFilter', description: 'filter the focused pane (live)' }, ACTIVATE],
  alerts: [{ keys: ['/'], action: 'openFilter', description: 'filter the alerts (live)' }, ACTIVATE],
  patterns: [ACTIVATE],
  help: [
    { keys: ['?', 'escape', 'q'], action: 'toggleHelp', description: 'close help' },
    { keys: ['ctrl+c'], action: 'quit', description: 'quit' },
  ],
  'confirm-quit': [
    {
      keys: ['y'],
      action: 'confirmQuit',
      description: 'quit; the incident stays open and resumes next start',
    },
    { keys: ['ctrl+c'], action: 'confirmQuit', description: 'quit' },
  ],
  detail: [{ keys: ['ctrl+c'], action: 'quit', description: 'quit' }],
  container: [{ keys: ['?'], action: 'toggleHelp', description: 'the describe view’s keys' }],
};
