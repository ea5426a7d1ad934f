import type { ConsoleState } from './consoleStore';

/** The timeline entries the view shows, after the kind filter. */
export function visibleTimeline(state: ConsoleState) {
  const f = state.ui.timelineFilter;
  return f ? state.incident.timeline.filter((e) => e.kind === f) : state.incident.timeline;
}
