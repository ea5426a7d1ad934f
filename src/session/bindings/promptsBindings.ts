import type { Bindings } from '../../model/keys';
import type { PromptsAction } from '../controllers/promptsController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const PROMPT_BINDINGS: Bindings<PromptsAction> = {
  global: [{ keys: ['i'], action: 'showData', description: 'what the data says, in full' }],
  prompt: [
    { keys: ['return'], action: 'submitPrompt', description: 'accept' },
    { keys: ['escape', 'ctrl+c'], action: 'closeOverlay', description: 'cancel' },
    { keys: ['backspace'], action: 'promptBackspace', description: 'delete a character' },
    { keys: ['ctrl+u'], action: 'promptClear', description: 'clear the text' },
    { keys: ['ctrl+w'], action: 'promptDeleteWord', description: 'delete the word before the cursor' },
    {
      keys: ['ctrl+d', 'delete'],
      action: 'promptDeleteForward',
      description: 'delete the character at the cursor',
    },
    { keys: ['left', 'ctrl+b'], action: 'promptLeft', description: 'cursor left' },
    { keys: ['right', 'ctrl+f'], action: 'promptRight', description: 'cursor right' },
    { keys: ['home', 'ctrl+a'], action: 'promptHome', description: 'cursor to the start' },
    { keys: ['end', 'ctrl+e'], action: 'promptEnd', description: 'cursor to the end' },
  ],
  'confirm-quit': [{ keys: ['n', 'escape', 'q'], action: 'closeOverlay', description: 'stay' }],
  detail: [{ keys: ['escape', 'q', 'return'], action: 'closeOverlay', description: 'close the detail' }],
};
