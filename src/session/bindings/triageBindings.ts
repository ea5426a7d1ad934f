import type { Bindings } from '../../model/keys';
import type { TriageAction } from '../controllers/triageController';

/** The keys that reach these actions, by mode (`global`: every main view). */
export const TRIAGE_BINDINGS: Bindings<TriageAction> = {
  global: [{ keys: ['T'], action: 'openTriage', description: 'guided triage' }],
  triage: [
    { keys: ['T'], action: 'walkTriageAgain', description: 'T: walk the triage again' },
    { keys: ['y'], action: 'triageYes', description: 'T: answer yes' },
    { keys: ['n'], action: 'triageNo', description: 'T: answer no' },
    { keys: ['return'], action: 'triageAccept', description: 'T: accept data, go on' },
    { keys: ['a'], action: 'triageAcceptInRow', description: "T: the data's answers in a row" },
    ...Array.from({ length: 9 }, (_, i) => ({
      keys: [String(i + 1)],
      action: 'triagePick' as const,
      arg: i,
      description: 'T: pick / tick item',
    })),
    { keys: ['r'], action: 'triageRunStep', description: 'T: run the step' },
    { keys: ['d'], action: 'triageDryRun', description: 'T: dry run on/off' },
    { keys: ['s'], action: 'triageSkip', description: 'T: skip the step' },
    { keys: ['g'], action: 'giveSteps', description: 'T: hand the steps over' },
    { keys: ['ctrl+c'], action: 'triageInterrupt', description: 'T: stop the step' },
    { keys: ['escape'], action: 'leaveTriage', description: 'T: back to dashboard' },
  ],
};
