import type { ContainerStatus } from '../../model/sourceEvents';
import { runCommandStep } from '../../playbooks/stepRunner';
import { containerRowsOf } from '../../store/paneRows';
import { sanitize } from '../../text/sanitize';
import { firstLineOf } from '../../userError';
import type { Controller, ControllerContext } from './controllerContext';

type Verb = 'restart' | 'stop' | 'start';
/** Verbs that stop the container (a restart stops it first): the name must be typed. */
const STOPPING: readonly Verb[] = ['restart', 'stop'];
const ACTION_TIMEOUT_MS = 60_000;
/** How many of a container's own last lines `l` shows. */
const CONTAINER_LOG_LINES = 500;

/**
 * The containers pane's describe view (Enter on a Docker container) and its actions: restart, stop
 * and start through the container's engine, run by the step runner so the open incident gets the
 * intent before anything is sent and the result after, with the host and who did it.
 */
export function containersController(ctx: ControllerContext) {
  const { store, ui, setUi, say, openPrompt } = ctx;
  const engines = ctx.containers;
  const shown = () => ui().container;

  const describe = (c: Pick<ContainerStatus, 'host' | 'name'>) => {
    if (!engines) return say('this console cannot ask the engine about containers');
    const { host, name } = c;
    setUi({ overlay: 'container', container: { host, name } });
    engines.describe(host, name).then(
      (detail) => {
        // Still the one on screen (the operator may have closed it or opened another).
        const now = shown();
        if (now?.host === host && now.name === name) setUi({ container: { host, name, detail } });
      },
      (err: unknown) => {
        const now = shown();
        if (now?.host === host && now.name === name)
          setUi({ container: { host, name, error: firstLineOf(err) } });
      },
    );
  };

  const run = (verb: Verb) => {
    const c = shown();
    const target = c && engines?.target(c.host);
    if (!c || !target) return say(`${verb}: only a Docker container's engine takes it`);
    const record = ctx.incidentOpen() && ctx.incident ? ctx.incident : undefined;
    say(`${verb} ${c.name} on ${c.host}…`);
    void runCommandStep(
      {
        step: `${verb} ${c.name}`,
        host: c.host,
        argv: ['docker', verb, c.name],
        timeoutMs: ACTION_TIMEOUT_MS,
        dryRun: false,
      },
      {
        record: (kind, payload) => record?.record(kind, payload),
        target,
        signal: new AbortController().signal,
      },
    ).then(
      (r) => {
        say(
          `${c.host}: ${r.output}${r.exitCode === 0 ? '' : ` (exit ${r.exitCode})`}${record ? '' : ' — no open incident, so not journaled'}`,
        );
        if (shown()?.name === c.name) describe(c);
      },
      (err: unknown) => say(`could not ${verb} ${c.name}: ${firstLineOf(err)}`),
    );
  };

  /** A stopping verb asks for the container's name typed; start goes at once. */
  const ask = (verb: Verb) => {
    // From the palette, on the dashboard: the selected row's container.
    if (!shown()) selectedContainer();
    const c = shown();
    if (!c) return;
    if (!STOPPING.includes(verb)) return run(verb);
    openPrompt({
      purpose: 'confirm-container',
      label: `${verb} stops ${c.name} on ${c.host}. Type "${c.name}" to ${verb} it`,
      details: [`runs: docker ${verb} ${c.name} (through the engine on ${c.host})`],
      value: '',
      carry: verb,
    });
  };

  /** The containers pane's selected row, described; a hint when it is not a Docker container. */
  const selectedContainer = () => {
    const s = store.getState();
    const rows = containerRowsOf(s);
    const row = rows[Math.min(s.ui.containerCursor, rows.length - 1)];
    if (row?.kind !== 'container') return say('select a container in the containers pane (1) first');
    if (row.container.kind !== 'docker')
      return say(`${row.container.name}: describe is for Docker containers`);
    describe(row.container);
  };

  const actions = {
    /** Enter on a container row: what its engine says about it. */
    describeSelectedContainer: selectedContainer,
    closeContainer: () => setUi({ overlay: 'none', container: undefined }),
    /** `l`: the container's own last lines (its earlier runs too), and back to the detail. */
    toggleContainerLogs: () => {
      const c = shown();
      if (!c || !engines) return;
      if (c.logs) return setUi({ container: { ...c, logs: undefined } });
      say(`reading the last ${CONTAINER_LOG_LINES} lines of ${c.name}…`);
      engines.logs(c.host, c.name, CONTAINER_LOG_LINES).then(
        (lines) => {
          const now = shown();
          if (now?.host !== c.host || now.name !== c.name) return;
          setUi({ container: { ...now, logs: lines.map((l) => sanitize(l)) } });
          say(`the last ${lines.length} lines of ${c.name}, its runs before a restart too`);
        },
        (err: unknown) => say(`could not read the logs of ${c.name}: ${firstLineOf(err)}`),
      );
    },
    restartContainer: () => ask('restart'),
    stopContainer: () => ask('stop'),
    startContainer: () => ask('start'),
  };
  return {
    actions,
    prompts: {
      'confirm-container': (value, prompt) => {
        const c = shown();
        const verb = prompt.carry as Verb;
        setUi({ overlay: 'container' });
        if (!c || value.trim() !== c.name) return say(`not confirmed: type "${c?.name}" to ${verb} it`);
        run(verb);
      },
    },
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/containersBindings.ts`) name. */
export type ContainersAction = keyof ReturnType<typeof containersController>['actions'];
