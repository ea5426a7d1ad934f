import type { KeyBinding } from '../../model/keys';
import type { Controller, ControllerContext } from './controllerContext';
import { printable } from './promptsController';

/** The command palette (`:`): every action of the keymap, found by typing part of its name. */
export function paletteController(
  ctx: ControllerContext,
  palette: { entries(query: string): { binding: KeyBinding }[]; run(binding: KeyBinding): void },
) {
  const { ui, setUi } = ctx;
  const actions = {
    openPalette: () => setUi({ overlay: 'palette', palette: { query: '', cursor: 0 } }),
    closePalette: () => setUi({ overlay: 'none' }),
    paletteUp: () => setUi({ palette: { ...ui().palette, cursor: Math.max(0, ui().palette.cursor - 1) } }),
    paletteDown: () => setUi({ palette: { ...ui().palette, cursor: ui().palette.cursor + 1 } }),
    paletteBackspace: () =>
      setUi({ palette: { query: [...ui().palette.query].slice(0, -1).join(''), cursor: 0 } }),
    /** Ctrl-U, as in a shell: the search text goes, the palette stays open. */
    paletteClear: () => setUi({ palette: { query: '', cursor: 0 } }),
    paletteType: (text = '') => {
      const typed = printable(text);
      if (typed) setUi({ palette: { query: (ui().palette.query + typed).slice(0, 80), cursor: 0 } });
    },
    /** Enter runs the highlighted entry. */
    paletteRun: () => {
      const { query, cursor } = ui().palette;
      const entries = palette.entries(query);
      const chosen = entries[Math.min(cursor, entries.length - 1)];
      setUi({ overlay: 'none' });
      if (chosen) palette.run(chosen.binding);
    },
  };
  return {
    actions,
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/paletteBindings.ts`) name. */
export type PaletteAction = keyof ReturnType<typeof paletteController>['actions'];
