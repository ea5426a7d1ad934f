import { draftUpdate } from '../stakeholderUpdate';
import type { Controller, ControllerContext } from './controllerContext';

/** The most an update may say: a chat message's worth, not a document (Discord takes 2,000). */
const MAX_UPDATE_CHARS = 1800;

/**
 * `u`: a stakeholder update, prefilled from the incident as it stands (impact, what is known, what
 * was done since the last one, when the next comes), edited on one line and sent: journaled as
 * `incident.update`, which tells the chat channels and goes into the draft.
 */
export function updatesController(ctx: ControllerContext) {
  const { store, say, openPrompt, needIncident, journaled } = ctx;
  const actions = {
    composeUpdate: () => {
      if (!needIncident('send an update')) return;
      const s = store.getState();
      const keepAs = `update:${s.incident.active?.id}`;
      // A draft cleared and left is no draft: the next `u` starts from the incident again.
      const kept = s.ui.keptDrafts?.[keepAs]?.trim() ? s.ui.keptDrafts[keepAs] : undefined;
      openPrompt({
        purpose: 'update',
        label:
          kept === undefined
            ? 'Update for stakeholders: edit it (←→ Home End), Enter sends it, Esc keeps it unsent'
            : 'Your unsent update: Enter sends it, Esc keeps it (Ctrl-U, Esc, u: a fresh draft)',
        value: kept ?? draftUpdate(s, s.now),
        keepAs,
      });
    },
  };
  return {
    actions,
    prompts: {
      update: (value) => {
        const incident = needIncident('send an update');
        const text = value.trim();
        if (!incident || text === '') return say('update not sent: it was empty');
        if ([...text].length > MAX_UPDATE_CHARS)
          return say(`update not sent: ${[...text].length} characters, over ${MAX_UPDATE_CHARS}; shorten it`);
        journaled('the update', () => {
          incident.record('incident.update', { text });
          say('update recorded; chat channels are told (the header names one that fails)');
        });
      },
    },
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/updatesBindings.ts`) name. */
export type UpdatesAction = keyof ReturnType<typeof updatesController>['actions'];
