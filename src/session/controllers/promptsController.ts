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
  const setPromptValue = (p: Prompt, value: string) =>
    setUi({
      prompt: { ...p, value },
      ...(p.purpose === 'filter' && { [PANE_QUERY[p.filterOf ?? 'logs']]: value }),
    });

  const submitPrompt = () => {
    const prompt = ui().prompt;
    if (!prompt) return;
    setUi({ overlay: prompt.returnTo ?? 'none', prompt: undefined });
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
      });
    },
    promptBackspace: () => {
      const p = ui().prompt;
      if (p && !p.choices) setPromptValue(p, [...p.value].slice(0, -1).join(''));
    },
    /** Ctrl-U, as in a shell: the typed text goes, the prompt stays open. */
    promptClear: () => {
      const p = ui().prompt;
      if (p && !p.choices) setPromptValue(p, '');
    },
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
      const typed = printable(text);
      // An update may be a chat message long; every other answer is short.
      if (typed)
        setPromptValue(p, [...(p.value + typed)].slice(0, p.purpose === 'update' ? 1800 : 500).join(''));
    },
  };

  return {
    actions,
  } satisfies Controller<typeof actions>;
}

export { printable };

/** The names of this controller's actions, which its key bindings (`bindings/promptsBindings.ts`) name. */
export type PromptsAction = keyof ReturnType<typeof promptsController>['actions'];
