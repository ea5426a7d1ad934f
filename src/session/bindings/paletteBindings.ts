import type { Bindings } from '../../model/keys';
import type { PaletteAction } from '../controllers/paletteController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const PALETTE_BINDINGS: Bindings<PaletteAction> = {
  global: [{ keys: [':'], action: 'openPalette', description: 'command palette' }],
  palette: [
    { keys: ['return'], action: 'paletteRun', description: 'run the entry' },
    { keys: ['escape', 'ctrl+c'], action: 'closePalette', description: 'close the palette' },
    { keys: ['up', 'ctrl+p'], action: 'paletteUp', description: 'previous entry' },
    { keys: ['down', 'ctrl+n'], action: 'paletteDown', description: 'next entry' },
    { keys: ['backspace'], action: 'paletteBackspace', description: 'delete a character' },
    { keys: ['ctrl+u'], action: 'paletteClear', description: 'clear the search' },
  ],
};
