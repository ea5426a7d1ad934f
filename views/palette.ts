import { helpBindings } from './HelpOverlay';
import { type KeyBinding, keysLabel } from './keymap';

/** Fuzzy subsequence match: every query character in order; closer together scores higher. */
export function fuzzyScore(query: string, text: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  if (q === '') return 0;
  let pos = -1;
  let score = 0;
  for (const ch of q) {
    const next = t.indexOf(ch, pos + 1);
    if (next === -1) return undefined;
    score += next === pos + 1 ? 3 : next === 0 || t[next - 1] === ' ' ? 2 : 1;
    pos = next;
  }
  return score;
}

/** Every action of the keymap, best matches first: the palette and the help come from one table. */
export function paletteEntries(query: string): { binding: KeyBinding; label: string }[] {
  return helpBindings()
    .filter((b) => b.action !== 'openPalette')
    .map((b) => ({
      binding: b,
      label: `${b.description}  (${keysLabel(b)})`,
      score: fuzzyScore(query, `${b.description} ${b.action}`),
    }))
    .filter((e): e is { binding: KeyBinding; label: string; score: number } => e.score !== undefined)
    .sort((a, b) => b.score - a.score)
    .map(({ binding, label }) => ({ binding, label }));
}
