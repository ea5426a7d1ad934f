import type { Bindings, KeyBinding, KeyMode } from '../model/keys';
import type { ConsoleState } from '../store/consoleStore';
import { ALERTS_BINDINGS } from './bindings/alertsBindings';
import { CONTAINERS_BINDINGS } from './bindings/containersBindings';
import { FOCUS_BINDINGS } from './bindings/focusBindings';
import { INCIDENT_BINDINGS } from './bindings/incidentBindings';
import { LOGS_BINDINGS } from './bindings/logsBindings';
import { PALETTE_BINDINGS } from './bindings/paletteBindings';
import { PATTERNS_BINDINGS } from './bindings/patternsBindings';
import { PROMPT_BINDINGS } from './bindings/promptsBindings';
import { REPLAY_BINDINGS } from './bindings/replayBindings';
import { TRIAGE_BINDINGS } from './bindings/triageBindings';
import { UPDATES_BINDINGS } from './bindings/updatesBindings';
import type { AlertsAction } from './controllers/alertsController';
import type { ContainersAction } from './controllers/containersController';
import type { FocusAction } from './controllers/focusController';
import type { IncidentAction } from './controllers/incidentController';
import type { LogsAction } from './controllers/logsController';
import type { PaletteAction } from './controllers/paletteController';
import type { PatternsAction } from './controllers/patternsController';
import type { PromptsAction } from './controllers/promptsController';
import type { ReplayAction } from './controllers/replayController';
import type { TriageAction } from './controllers/triageController';
import type { UpdatesAction } from './controllers/updatesController';

/** Every action a key can reach: the controllers' action names (a misspelt one does not compile). */
export type ActionName =
  | FocusAction
  | PaletteAction
  | IncidentAction
  | TriageAction
  | AlertsAction
  | PatternsAction
  | ContainersAction
  | LogsAction
  | PromptsAction
  | UpdatesAction
  | ReplayAction;

/** The controllers' bindings, in the order the help lists them and a key is looked up. */
const CONTROLLER_BINDINGS: Bindings<ActionName>[] = [
  FOCUS_BINDINGS,
  PALETTE_BINDINGS,
  INCIDENT_BINDINGS,
  UPDATES_BINDINGS,
  TRIAGE_BINDINGS,
  ALERTS_BINDINGS,
  PATTERNS_BINDINGS,
  CONTAINERS_BINDINGS,
  LOGS_BINDINGS,
  PROMPT_BINDINGS,
  REPLAY_BINDINGS,
];

const MAIN_VIEWS: KeyMode[] = ['dashboard', 'timeline', 'triage', 'alerts', 'patterns'];
const MODES: KeyMode[] = [...MAIN_VIEWS, 'help', 'confirm-quit', 'prompt', 'palette', 'detail', 'container'];

/**
 * The one keymap, joined from the controllers' own bindings. In the main views the global keys come
 * with the view's own; in triage its own come first, because they win (`n` answers no there rather
 * than adding a note). Input handling looks keys up here and the help and palette are generated from
 * it, so a binding documented is a binding that works.
 */
export const KEYMAP: Record<KeyMode, KeyBinding<ActionName>[]> = Object.fromEntries(
  MODES.map((mode) => {
    const own = CONTROLLER_BINDINGS.flatMap((b) => b[mode] ?? []);
    const global = MAIN_VIEWS.includes(mode) ? CONTROLLER_BINDINGS.flatMap((b) => b.global ?? []) : [];
    return [mode, mode === 'triage' ? [...own, ...global] : [...global, ...own]];
  }),
) as Record<KeyMode, KeyBinding<ActionName>[]>;

export function keyModeOf(ui: ConsoleState['ui']): KeyMode {
  return ui.overlay === 'none' ? ui.view : ui.overlay;
}

export function bindingFor(mode: KeyMode, name: string): KeyBinding<ActionName> | undefined {
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

/**
 * Every binding of the given main views once, in keymap order (all of them by default, as the
 * palette lists); bindings that differ only by key are merged. The help shows one view's: what
 * works where the operator is, which also keeps it within 80x24.
 */
export function helpBindings(
  views: readonly KeyMode[] = MAIN_VIEWS,
  replay = false,
): KeyBinding<ActionName>[] {
  const merged = new Map<string, KeyBinding<ActionName>>();
  for (const b of views.flatMap((m) => KEYMAP[m])) {
    if (b.replayOnly && !replay) continue;
    const id = `${b.action}:${b.description}`;
    const prev = merged.get(id);
    if (!prev) merged.set(id, { ...b, keys: [...b.keys] });
    else for (const k of b.keys) if (!prev.keys.includes(k)) prev.keys.push(k);
  }
  return [...merged.values()];
}

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

/**
 * Every action of the keymap, and `extra` entries without a key (a playbook to open by name), best
 * matches first: the palette and the help come from one table.
 */
export function paletteEntries(
  query: string,
  extra: readonly KeyBinding[] = [],
  replay = false,
): { binding: KeyBinding; label: string }[] {
  return [...helpBindings(undefined, replay), ...extra]
    .filter((b) => b.action !== 'openPalette')
    .map((b) => ({
      binding: b,
      label: b.keys.length > 0 ? `${b.description}  (${keysLabel(b)})` : b.description,
      score: fuzzyScore(query, `${b.description} ${b.action}`),
    }))
    .filter((e): e is { binding: KeyBinding; label: string; score: number } => e.score !== undefined)
    .sort((a, b) => b.score - a.score)
    .map(({ binding, label }) => ({ binding, label }));
}
