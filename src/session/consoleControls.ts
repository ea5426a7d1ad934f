import type { KeyBinding } from '../model/keys';
import { firstLineOf } from '../userError';
import { alertsController } from './controllers/alertsController';
import { containersController } from './controllers/containersController';
import { type ConsoleServices, controllerContext } from './controllers/controllerContext';
import { focusController } from './controllers/focusController';
import { incidentController } from './controllers/incidentController';
import { logsController } from './controllers/logsController';
import { paletteController } from './controllers/paletteController';
import { patternsController } from './controllers/patternsController';
import { promptsController } from './controllers/promptsController';
import { replayController } from './controllers/replayController';
import { triageController } from './controllers/triageController';
import { updatesController } from './controllers/updatesController';
import { bindingFor, keyModeOf, paletteEntries } from './keymap';
import { followLogHistory } from './logHistory';
import { keepRequestTrail } from './requestTrails';

/** The describe view's actions, offered in the palette for the containers pane's selected row (a pod, a workload). */
const CONTAINER_PALETTE: KeyBinding[] = [
  { keys: [], action: 'describeSelectedContainer', description: 'describe the selected container' },
  { keys: [], action: 'restartContainer', description: 'restart the selected container (type its name)' },
  { keys: [], action: 'stopContainer', description: 'stop the selected container (type its name)' },
  { keys: [], action: 'startContainer', description: 'start the selected container' },
  {
    keys: [],
    action: 'restartService',
    description: 'restart every container of the selected compose service',
  },
  { keys: [], action: 'deletePod', description: 'delete the selected pod (type its name)' },
  { keys: [], action: 'scaleWorkload', description: 'scale the selected workload' },
];

/**
 * The console's controllers joined: every action by name, and `dispatch`, which turns a key (by
 * name, with the text it typed) into the action the keymap binds it to in the current mode. The
 * view knows nothing else: it hands keys over and reads the store.
 */
export function createConsoleControls(services: ConsoleServices) {
  const ctx = controllerContext(services);
  const logs = logsController(ctx);
  const incident = incidentController(ctx);
  const triage = triageController(ctx);
  const alerts = alertsController(ctx);
  const patterns = patternsController(ctx);
  const containers = containersController(ctx);
  const updates = updatesController(ctx);
  const replay = replayController(ctx);
  const focus = focusController(ctx, {
    scrollLogs: (d) => logs.actions.scrollLogs(d),
    logsTop: logs.actions.logsTop,
    logsBottom: logs.actions.logsBottom,
    moveTimeline: (d) => incident.actions.moveTimeline(d),
    pageRows: logs.pageRows,
    showLogDetail: logs.actions.showDetail,
    describeContainer: containers.actions.describeSelectedContainer,
    lists: {
      alerts: {
        move: (d) => alerts.actions.moveAlerts(d),
        activate: () => alerts.actions.toggleAlertDetail(),
      },
      patterns: {
        move: (d) => patterns.actions.movePatterns(d),
        activate: () => patterns.actions.showPatternLines(),
      },
    },
  });
  /** The palette: every action, and every loaded playbook by its title and id. */
  const entries = (query: string) =>
    paletteEntries(
      query,
      [
        ...(services.triage?.catalog() ?? []).map(
          (p, i): KeyBinding => ({
            keys: [],
            action: 'openPlaybook',
            arg: i,
            description: `open playbook: ${p.title} (${p.id})`,
          }),
        ),
        ...(services.containers ? CONTAINER_PALETTE : []),
      ],
      services.replay !== undefined,
    );
  const palette = paletteController(ctx, { entries, run: (b) => runBinding(b) });
  const prompts = promptsController(ctx, {
    ...logs.prompts,
    ...incident.prompts,
    ...triage.prompts,
    ...alerts.prompts,
    ...containers.prompts,
    ...updates.prompts,
  });
  const actions = guarded(ctx.say, services.refusal, {
    ...focus.actions,
    ...palette.actions,
    ...incident.actions,
    ...triage.actions,
    ...alerts.actions,
    ...patterns.actions,
    ...containers.actions,
    ...updates.actions,
    ...replay.actions,
    ...logs.actions,
    ...prompts.actions,
  });
  const byName = actions as Record<string, (arg?: number) => void>;

  function runBinding(binding: KeyBinding): void {
    byName[binding.action]?.(binding.arg);
  }

  /** One keystroke: its bound action, else text for the open prompt or palette. */
  function dispatch(name: string | undefined, text: string): void {
    const mode = keyModeOf(services.store.getState().ui);
    const binding = name ? bindingFor(mode, name) : undefined;
    if (binding) runBinding(binding);
    else if (mode === 'prompt' && text) actions.promptType(text);
    else if (mode === 'palette' && text) actions.paletteType(text);
  }

  // A filter reaches back through the whole log store, not only the ring.
  const stopHistory = services.search
    ? followLogHistory(services.store, services.logs, services.search, (filter) => {
        // A pivot on a request during an incident puts its whole trail on the record.
        if (filter.requestId)
          void keepRequestTrail(services, filter.requestId, 'pivoted').catch((err: unknown) =>
            ctx.say(`could not record the trail of ${filter.requestId}: ${firstLineOf(err)}`),
          );
      })
    : () => {};
  return { actions, dispatch, paletteEntries: entries, stop: stopHistory };
}

export type ConsoleControls = ReturnType<typeof createConsoleControls>;
export type ConsoleActions = ConsoleControls['actions'];

/**
 * Every action, guarded: one the person at this screen may not run (a shared console's roles) and
 * one that throws (a journal that refuses a record, a full disk, a host that is gone) say why on
 * the status line instead of running or ending the console.
 */
function guarded<T extends Record<string, (...args: never[]) => unknown>>(
  say: (m: string) => void,
  refusal: ((action: string) => string | undefined) | undefined,
  actions: T,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(actions)) {
    out[name] = (...args: never[]) => {
      const refused = refusal?.(name);
      if (refused) {
        say(refused);
        return undefined;
      }
      try {
        return fn(...args);
      } catch (err) {
        say(firstLineOf(err));
        return undefined;
      }
    };
  }
  return out as T;
}
