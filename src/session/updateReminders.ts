import type { ConsoleStore } from '../store/consoleStore';
import { firstLineOf } from '../userError';
import type { IncidentSession } from './incidentSession';
import { nextUpdateDue, UPDATE_EVERY_MS } from './stakeholderUpdate';

/**
 * Keeps the next stakeholder update's due time in the store (the header counts down to it) and,
 * when it passes with no update sent, journals the reminder once, at the time it fell due: the
 * post-mortem shows how regular the updates were. The store's clock drives it, so a test's is too.
 */
export function startUpdateReminders(o: {
  store: ConsoleStore;
  incident: IncidentSession;
  say(message: string): void;
  every?: Record<string, number | undefined>;
}): () => void {
  const every = o.every ?? UPDATE_EVERY_MS;
  return o.store.subscribe((s, prev) => {
    if (s.now === prev.now && s.incident === prev.incident) return;
    const active = s.incident.active;
    const due =
      active && active.status !== 'resolved'
        ? nextUpdateDue(s.incident.timeline, active.severity, every)
        : undefined;
    if (due !== s.updateDue) o.store.setState({ updateDue: due });
    if (!active || due === undefined || s.now < due) return;
    if (s.incident.timeline.some((e) => e.kind === 'update.due' && e.at === due)) return;
    try {
      o.incident.record(
        'update.due',
        { severity: active.severity, everyMs: every[active.severity] ?? 0 },
        due,
      );
      o.say(`a stakeholder update is due: press u`);
    } catch (err) {
      o.say(`could not record the reminder: ${firstLineOf(err)}`);
    }
  });
}
