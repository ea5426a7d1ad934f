import type { ResponderRole } from '../model/responders';
import type { ConsoleState } from '../store/consoleStore';

/** Actions that change nothing but the screen they are pressed on: everyone may. */
const LOOKING = new Set([
  'activate',
  'clearFilter',
  'closeContainer',
  'closeOverlay',
  'closePalette',
  'confirmQuit',
  'cyclePatternMode',
  'filterContainerLogs',
  'cycleTimelineFilter',
  'describeSelectedContainer',
  'focusContainers',
  'focusLogs',
  'focusNext',
  'focusPrevious',
  'focusRates',
  'followPatternRequest',
  'jumpToTime',
  'leaveTriage',
  'openFilter',
  'openPalette',
  'pageContainerDown',
  'pageContainerUp',
  'pageDown',
  'pageUp',
  'paletteBackspace',
  'paletteClear',
  'paletteDown',
  'paletteRun',
  'paletteUp',
  'paletteType',
  'pivotRequestId',
  'promptBackspace',
  'promptClear',
  'promptType',
  'quit',
  'replayEntry',
  'replayPause',
  'replaySpeed',
  'replayStep',
  'scrollBottom',
  'scrollContainerDown',
  'scrollContainerUp',
  'scrollDown',
  'scrollTop',
  'scrollUp',
  'setLogPageRows',
  'showData',
  'submitPrompt',
  'toggleAlerts',
  'toggleContainerLogs',
  'toggleErrors',
  'toggleFollow',
  'toggleHelp',
  'togglePatterns',
  'toggleTimeline',
  'toggleWrap',
]);

/** Whether an action only changes what the screen it is pressed on shows. */
export function isLooking(action: string): boolean {
  return LOOKING.has(action);
}

/** The triage's answers and steps: the commander's, or whoever they handed the steps to. */
const STEPPING = new Set([
  'triageYes',
  'triageNo',
  'triagePick',
  'triageAccept',
  'triageRunStep',
  'triageDryRun',
  'triageSkip',
  'triageInterrupt',
]);

/** What a responder adds to the record without changing the incident's course. */
const ANNOTATING = new Set(['addNote', 'pinLogLine', 'toggleStar', 'markActionItem']);

/**
 * Who may act before anyone commands, with no incident open (declare, silence): anyone but a viewer
 * by default, who then commands what they declared (as incident.io, PagerDuty and FireHydrant let any
 * responder declare); or only keys marked `role="commander"` (`serve --declare commanders`).
 */
export type DeclarePolicy = 'responders' | 'commanders';
export const DECLARE_POLICIES: readonly DeclarePolicy[] = ['responders', 'commanders'];

/**
 * Why `who` may not run `action` now, or undefined when they may. The open incident's commander
 * (as its journal names them, after any hand-over) commands; with no incident open, whoever the
 * declare policy lets. Everything not looking or annotating is the commander's: steps, answers, status,
 * severity, declaring, silencing, exporting, handing over; the triage's answers and steps also
 * belong to whoever the commander handed them to (`g` in the triage).
 */
export function refusal(
  action: string,
  who: { name: string; role: ResponderRole },
  state: Pick<ConsoleState, 'incident' | 'triage'>,
  declare: DeclarePolicy = 'responders',
): string | undefined {
  if (LOOKING.has(action)) return undefined;
  // Watching a triage under way is looking; starting one is the commander's.
  if (action === 'openTriage' && state.triage) return undefined;
  if (who.role === 'viewer') return `${who.name}: viewers read; ask the commander for a responder's key`;
  if (ANNOTATING.has(action)) return undefined;
  const active = state.incident.active;
  const open = active !== undefined && active.status !== 'resolved';
  if (open ? active.commander === who.name : who.role === 'commander' || declare === 'responders')
    return undefined;
  if (open && STEPPING.has(action) && active.stepDriver === who.name) return undefined;
  return open
    ? `${who.name}: only the commander (${active.commander}) can do that; they can hand it over with H`
    : `${who.name}: only a commander's key can do that with no incident open (this console runs with --declare commanders)`;
}
