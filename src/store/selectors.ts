import { type Alert, type AlertRule, mergeAlertSources } from '../model/alerts';
import type { ReleaseEvent } from '../model/notableEvent';
import type { ConsoleState } from './consoleStore';
import { alertRows } from './paneRows';

/** The releases the console has seen, in the order they were noted. */
export function releaseEvents(state: ConsoleState): ReleaseEvent[] {
  return state.incident.events.filter((e): e is ReleaseEvent => e.kind === 'release');
}

/** The timeline entries the view shows, after the kind filter. */
export function visibleTimeline(state: ConsoleState) {
  const f = state.ui.timelineFilter;
  return f ? state.incident.timeline.filter((e) => e.kind === f) : state.incident.timeline;
}

/** Remembers the last answer of a one-argument-list function: the views ask on every frame. */
function lastOf<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let args: A | undefined;
  let result: R;
  return (...next: A) => {
    if (!args || next.length !== args.length || next.some((v, i) => v !== args?.[i])) {
      args = next;
      result = fn(...next);
    }
    return result;
  };
}

const mergeAlerts = lastOf(mergeAlertSources);

/**
 * Every alert the console knows: Alertmanager's, and Prometheus's own that Alertmanager does not
 * hold (pending ones, which Prometheus never sends, and firing ones not yet sent).
 */
export function allAlerts(state: ConsoleState): Alert[] {
  return mergeAlerts(state.alerts?.list, state.alertRules?.alerts);
}

const countFiring = lastOf((alerts: Alert[]) => alerts.filter((a) => a.state === 'firing').length);

/** How many of the alerts fire (not silenced, inhibited or pending); asked on every frame. */
export function firingAlerts(state: ConsoleState): number {
  return countFiring(allAlerts(state));
}

const groupRows = lastOf((alerts: Alert[], query: string) => alertRows(alerts, query));

/** The alert groups of the alerts view (after its filter), and the one its cursor is on. */
export function alertGroups(state: ConsoleState) {
  const rows = groupRows(allAlerts(state), state.ui.alertQuery);
  return { rows, selected: rows[Math.min(state.ui.alertCursor, rows.length - 1)] };
}

/** The Prometheus alerting rule an alert comes from, when the rules are read. */
export function ruleOf(state: ConsoleState, alertName: string): AlertRule | undefined {
  return state.alertRules?.rules.find((r) => r.name === alertName);
}

/** Whether the console has any alerts source (Alertmanager or Prometheus rules). */
export function hasAlertSource(state: ConsoleState): boolean {
  return state.alerts !== undefined || state.alertRules !== undefined;
}
