import type { ConsoleState } from './consoleStore';
import { alertRows } from './paneRows';

/** The timeline entries the view shows, after the kind filter. */
export function visibleTimeline(state: ConsoleState) {
  const f = state.ui.timelineFilter;
  return f ? state.incident.timeline.filter((e) => e.kind === f) : state.incident.timeline;
}

/** The alert groups of the alerts view, and the one its cursor is on (clamped to the last). */
export function alertGroups(state: ConsoleState) {
  const rows = alertRows(state.alerts?.list ?? []);
  return { rows, selected: rows[Math.min(state.ui.alertCursor, rows.length - 1)] };
}
