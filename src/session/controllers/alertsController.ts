import { defaultActor } from '../../incident/journal';
import {
  identifyingMatchers,
  labelText,
  matcherProblem,
  matcherText,
  matchesEverything,
  parseMatchers,
} from '../../model/alerts';
import { alertGroups, allAlerts, hasAlertSource } from '../../store/selectors';
import { formatDuration, parseDuration } from '../../text/duration';
import { firstLineOf } from '../../userError';
import { createSilence, expireSilences, planSilence, silenceComment } from '../alertSilencing';
import type { Controller, ControllerContext } from './controllerContext';

/** How many of the alerts a silence catches the confirmation lists (the count is always shown). */
const LISTED_CATCHES = 4;

/**
 * The alerts view: the environment's alerts from Alertmanager, grouped, most severe first; and
 * silencing the selected group, which shows exactly what it will match before asking for "silence".
 */
export function alertsController(ctx: ControllerContext) {
  const { store, ui, setUi, say, openPrompt, incidentOpen } = ctx;
  const currentAlerts = () => allAlerts(store.getState());
  /** Where silencing is journaled: the open incident, else the next one declared. */
  const journal = () => (incidentOpen() ? ctx.incident : ctx.incident?.silencingBeforeDeclaring);

  const actions = {
    toggleAlerts: () => {
      if (ui().view === 'alerts') return setUi({ view: 'dashboard' });
      if (!hasAlertSource(store.getState()))
        return say('no alerts configured (alertmanager: { url } or prometheus: { url } on the environment)');
      setUi({ view: 'alerts' });
    },
    toggleAlertDetail: () => setUi({ alertExpanded: !ui().alertExpanded }),
    /** Moves the selection in the alerts view by `delta` rows. */
    moveAlerts: (delta = 0) => {
      const count = alertGroups(store.getState()).rows.length;
      setUi({ alertCursor: Math.max(0, Math.min(count - 1, ui().alertCursor + delta)) });
    },
    /** Starts a silence of the selected group: its shared labels, editable, then a duration. */
    silenceAlert: () => {
      if (!ctx.alertmanager)
        return say('no Alertmanager configured (alertmanager: { url } on the environment)');
      const group = alertGroups(store.getState()).selected;
      if (!group) return say('no alert selected');
      openPrompt({
        purpose: 'silence-matchers',
        label: `Silence ${group.name}: matchers (edit to change)`,
        value: identifyingMatchers(group.members).map(matcherText).join(' '),
        details: [
          group.count === 1
            ? 'These are all of the alert’s labels: nothing broader is silenced.'
            : `The labels all ${group.count} alerts of this group share.`,
        ],
      });
    },
  };

  return {
    actions,
    prompts: {
      'silence-matchers': (value) => {
        const parsed = parseMatchers(value);
        if ('bad' in parsed) return say(`not silenced: "${parsed.bad}" ${matcherProblem(parsed.bad)}`);
        if (matchesEverything(parsed.matchers))
          return say('not silenced: those matchers would catch every alert');
        openPrompt({
          purpose: 'silence-duration',
          label: 'Silence for how long? (30m, 2h, 1d)',
          value: '1h',
          silence: { matchers: value },
          details: parsed.matchers.map(matcherText),
        });
      },
      'silence-duration': (value, prompt) => {
        const durationMs = parseDuration(value);
        const matchersText = prompt.silence?.matchers ?? '';
        const parsed = parseMatchers(matchersText);
        if (!durationMs || 'bad' in parsed)
          return say(`not silenced: "${value}" is not a duration such as 30m or 2h`);
        const plan = planSilence(parsed.matchers, currentAlerts(), {
          durationMs,
          comment: '',
          createdBy: '',
        });
        const n = plan.catches.length;
        // What tells the caught alerts apart: their labels beyond the matchers.
        const matchedNames = parsed.matchers.map((m) => m.name);
        openPrompt({
          purpose: 'silence-confirm',
          label: `Type "silence" to silence ${n} alert${n === 1 ? '' : 's'} for ${formatDuration(durationMs)}`,
          value: '',
          silence: { matchers: matchersText, durationMs },
          details: [
            `matchers: ${parsed.matchers.map(matcherText).join(' ')}`,
            ...plan.catches
              .slice(0, LISTED_CATCHES)
              .map(
                (a) => `catches: ${a.state} ${a.name} ${labelText(a.labels, matchedNames) || a.fingerprint}`,
              ),
            ...(n > LISTED_CATCHES ? [`… and ${n - LISTED_CATCHES} more`] : []),
            ...(n === 0 ? ['catches no alert right now'] : []),
          ],
        });
      },
      'silence-confirm': (value, prompt) => {
        const api = ctx.alertmanager?.api;
        const parsed = parseMatchers(prompt.silence?.matchers ?? '');
        const durationMs = prompt.silence?.durationMs;
        if (!api || 'bad' in parsed || !durationMs) return;
        if (value !== 'silence') return say('not silenced: type "silence" to confirm');
        const incident = journal();
        const plan = planSilence(parsed.matchers, currentAlerts(), {
          durationMs,
          comment: silenceComment(store.getState().incident.active?.id, undefined),
          createdBy: defaultActor(),
        });
        say('creating the silence…');
        createSilence(api, plan, incident).then(
          ({ id, endsAt }) => say(`silence ${id} created until ${new Date(endsAt).toISOString()}`),
          (err) => say(`not silenced: ${firstLineOf(err)}`),
        );
      },
      'expire-silences': (value) => {
        const api = ctx.alertmanager?.api;
        const incident = ctx.incident;
        if (!api || !incident || value !== 'yes') return;
        const ids = incident.activeSilences().map((s) => s.id);
        say(`expiring ${ids.length} silence${ids.length === 1 ? '' : 's'}…`);
        expireSilences(api, ids, incident).then(
          (failed) =>
            say(
              failed.length === 0
                ? `expired ${ids.length} silence${ids.length === 1 ? '' : 's'}`
                : `could not expire ${failed.map((f) => `${f.id}: ${f.error}`).join('; ')}`,
            ),
          (err) => say(`could not expire the silences: ${firstLineOf(err)}`),
        );
      },
    },
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/alertsBindings.ts`) name. */
export type AlertsAction = keyof ReturnType<typeof alertsController>['actions'];
