import { PANE_QUERY, type Prompt } from '../../store/consoleStore';
import type { Controller, ControllerContext, PromptPurpose } from './controllerContext';

/** Control characters never enter a prompt: pasted text may carry newlines or escapes. */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

/**
 * The prompt overlay and the other overlays' way out. What a submitted value means is up to the
 * controller that asked: it registers a handler for its prompt's purpose.
 */
export function promptsController(
  ctx: ControllerContext,
  handlers: Partial<Record<PromptPurpose, (value: string, prompt: Prompt) => void>>,
) {
  const { ui, setUi } = ctx;
  /** A filter applies as it is typed, to the pane it filters; other prompts only on Enter. */
  const setPromptValue = (p: Prompt, value: string, cursor?: number) =>
    setUi({
      prompt: { ...p, value, ...(cursor !== undefined ? { cursor } : { cursor: undefined }) },
      ...(p.purpose === 'filter' && { [PANE_QUERY[p.filterOf ?? 'logs']]: value }),
    });
  /** The open free-text prompt, its text as characters and where the cursor is in them. */
  const editing = () => {
    const p = ui().prompt;
    if (!p || p.choices) return undefined;
    const chars = [...p.value];
    return { p, chars, at: Math.min(p.cursor ?? chars.length, chars.length) };
  };
  const moveTo = (to: (at: number, length: number) => number) => {
    const e = editing();
    if (!e) return;
    const at = Math.max(0, Math.min(e.chars.length, to(e.at, e.chars.length)));
    setUi({ prompt: { ...e.p, cursor: at } });
  };

  const submitPrompt = () => {
    const prompt = ui().prompt;
    if (!prompt) return;
    setUi({ overlay: prompt.returnTo ?? 'none', prompt: undefined });
    if (prompt.keepAs) {
      const { [prompt.keepAs]: _sent, ...kept } = ui().keptDrafts ?? {};
      setUi({ keptDrafts: kept });
    }
    if (prompt.purpose === 'filter') return setUi({ [PANE_QUERY[prompt.filterOf ?? 'logs']]: prompt.value });
    handlers[prompt.purpose]?.(prompt.value.trim(), prompt);
  };

  const actions = {
    submitPrompt,
    /** `i`: what the header and the triage cut at the screen's width (the data's account, the evidence), wrapped. */
    showData: () => setUi({ overlay: 'detail', detailOf: 'data' }),
    closeOverlay: () => {
      // Cancelling a filter puts back the filter it started from.
      const p = ui().prompt;
      setUi({
        overlay: p?.returnTo ?? 'none',
        prompt: undefined,
        ...(p?.purpose === 'filter' && { [PANE_QUERY[p.filterOf ?? 'logs']]: p.carry ?? '' }),
        // An update half written is not thrown away by Esc: `u` opens it again.
        ...(p?.keepAs && { keptDrafts: { ...ui().keptDrafts, [p.keepAs]: p.value } }),
      });
    },
    promptBackspace: () => {
      const e = editing();
      if (e && e.at > 0)
        setPromptValue(e.p, [...e.chars.slice(0, e.at - 1), ...e.chars.slice(e.at)].join(''), e.at - 1);
    },
    /** Ctrl-D: the character under the cursor. */
    promptDeleteForward: () => {
      const e = editing();
      if (e && e.at < e.chars.length)
        setPromptValue(e.p, [...e.chars.slice(0, e.at), ...e.chars.slice(e.at + 1)].join(''), e.at);
    },
    /** Ctrl-W, as in a shell: the word before the cursor. */
    promptDeleteWord: () => {
      const e = editing();
      if (!e) return;
      let from = e.at;
      while (from > 0 && e.chars[from - 1] === ' ') from--;
      while (from > 0 && e.chars[from - 1] !== ' ') from--;
      setPromptValue(e.p, [...e.chars.slice(0, from), ...e.chars.slice(e.at)].join(''), from);
    },
    /** Ctrl-U, as in a shell: the typed text goes, the prompt stays open. */
    promptClear: () => {
      const e = editing();
      if (e) setPromptValue(e.p, '');
    },
    promptLeft: () => moveTo((at) => at - 1),
    promptRight: () => moveTo((at) => at + 1),
    promptHome: () => moveTo(() => 0),
    promptEnd: () => moveTo((_at, length) => length),
    /** Text typed into the open prompt; a choice prompt submits on its key. */
    promptType: (text = '') => {
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
      const typed = [...printable(text)];
      const e = editing();
      if (!e || typed.length === 0) return;
      // An update may be a chat message long; every other answer is short.
      const limit = p.purpose === 'update' ? 1800 : 500;
      const added = typed.slice(0, Math.max(0, limit - e.chars.length));
      if (added.length < typed.length) ctx.say(`cut: this holds at most ${limit} characters`);
      if (added.length === 0) return;
      const value = [...e.chars.slice(0, e.at), ...added, ...e.chars.slice(e.at)].join('');
      setPromptValue(p, value, e.at === e.chars.length ? undefined : e.at + added.length);
    },
  };

  return {
    actions,
  } satisfies Controller<typeof actions>;
}

export { printable };

/** The names of this controller's actions, which its key bindings (`bindings/promptsBindings.ts`) name. */
export type PromptsAction = keyof ReturnType<typeof promptsController>['actions'];
