import type { Controller, ControllerContext } from './controllerContext';

/** A replay's clock: play and pause, a second at a time, faster and slower, entry to entry. */
export function replayController(ctx: ControllerContext) {
  const { replay, say } = ctx;
  const onReplay =
    (fn: (r: NonNullable<typeof replay>, direction: 1 | -1) => void) =>
    (arg?: number): void => {
      if (replay) fn(replay, arg !== undefined && arg < 0 ? -1 : 1);
      else say('that key moves a replay (opsconsole replay ID)');
    };
  const actions = {
    replayPause: onReplay((r) => r.togglePause()),
    replayStep: onReplay((r) => r.step()),
    replaySpeed: onReplay((r, direction) => r.speed(direction)),
    replayEntry: onReplay((r, direction) => r.seekEntry(direction)),
  };
  return { actions } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which `bindings/replayBindings.ts` names. */
export type ReplayAction = keyof ReturnType<typeof replayController>['actions'];
