import { compileFilter } from '../../logs/logFilter';
import { parseLine } from '../../logs/parseLine';
import type { Described, DescribeSubject } from '../../model/containerDetail';
import { runCommandStep } from '../../playbooks/stepRunner';
import type { ConsoleState } from '../../store/consoleStore';
import { containerRowsOf } from '../../store/paneRows';
import { sanitize } from '../../text/sanitize';
import { firstLineOf } from '../../userError';
import {
  type ActionPlan,
  type ContainerVerb,
  detailOfStatus,
  managerLogArgv,
  planAction,
  readCommandLines,
} from './containerActions';
import type { Controller, ControllerContext } from './controllerContext';

const ACTION_TIMEOUT_MS = 60_000;
/** How many of a container's own last lines `l` shows. */
const CONTAINER_LOG_LINES = 500;
/** The most replicas the scale prompt takes: a typo of 3000 for 30 is refused, not sent. */
const MAX_REPLICAS = 1000;
/** How often an open describe view asks again (a deploy, a restart, a health check move on). */
const REFRESH_MS = 5000;

const sameSubject = (a: DescribeSubject | undefined, b: DescribeSubject) =>
  a?.kind === b.kind &&
  a.host === b.host &&
  a.name === b.name &&
  ('namespace' in a ? a.namespace : '') === ('namespace' in b ? b.namespace : '');

/** The row under the containers pane's cursor as a describe subject: a container, a pod or a workload. */
function selectedSubject(s: ConsoleState): DescribeSubject | string {
  const rows = containerRowsOf(s);
  const row = rows[Math.min(s.ui.containerCursor, rows.length - 1)];
  if (row?.kind === 'workload') {
    const w = s.workloads[row.workload];
    const [host = '', namespace = '', name = ''] = w
      ? [w.cluster, w.namespace, w.name]
      : row.workload.split('/');
    return { kind: 'workload', host, namespace, name, workload: w?.kind ?? 'Deployment' };
  }
  if (row?.kind !== 'container')
    return 'select a container, pod or workload in the containers pane (1) first';
  const c = row.container;
  if (c.kind === 'docker' || c.kind === 'process')
    return { kind: 'container', host: c.host, name: c.name, runtime: c.kind };
  if (c.kind === 'command' && c.managedBy)
    return { kind: 'container', host: c.host, name: c.name, runtime: c.managedBy };
  if (c.kind === 'kubernetes')
    return { kind: 'pod', host: c.host, namespace: c.compose?.project ?? 'default', name: c.name };
  return `${c.name}: describe is for containers, the demo's processes, and Kubernetes pods and workloads`;
}

/**
 * The describe view (Enter on a container or pod, `d` on any row, a workload too) and its actions:
 * restart, stop and start a Docker container; delete a pod; restart or scale a workload. Each is
 * planned (`containerActions.ts`), confirmed as it asks, and run by the step runner, so the open
 * incident gets the intent before anything is sent and the result after, with where and who.
 */
export function containersController(ctx: ControllerContext) {
  const { store, ui, setUi, say, openPrompt } = ctx;
  const engines = ctx.containers;
  const shown = () => ui().container;

  const ask = (subject: DescribeSubject): Promise<Described> => {
    const k8s = engines?.kubernetes;
    if (subject.kind === 'container') {
      // A process manager's row says what its status command read: that is its detail.
      const row = store.getState().containers[`${subject.host}/${subject.name}`];
      if (row?.managedBy) return Promise.resolve({ kind: 'container', detail: detailOfStatus(row) });
      if (!engines) return Promise.reject(new Error('this console cannot ask the engine about containers'));
      return engines.describe(subject.host, subject.name).then((detail) => ({ kind: 'container', detail }));
    }
    if (!k8s) return Promise.reject(new Error(`this console has no way to the cluster ${subject.host}`));
    if (subject.kind === 'pod')
      return k8s.pod(subject.namespace, subject.name).then((detail) => ({ kind: 'pod', detail }));
    return k8s
      .workload(subject.workload, subject.namespace, subject.name)
      .then((detail) => ({ kind: 'workload', detail }));
  };

  /** While a detail is on screen it is asked again now and then: it is the engine's word, not a snapshot. */
  let refresh: NodeJS.Timeout | undefined;
  const keepFresh = (subject: DescribeSubject) => {
    clearInterval(refresh);
    refresh = setInterval(() => {
      const now = shown();
      if (!now || !sameSubject(now.subject, subject)) return clearInterval(refresh);
      if (now.logs) return;
      ask(subject).then(
        (described) => {
          const still = shown();
          if (still && sameSubject(still.subject, subject)) setUi({ container: { ...still, described } });
        },
        () => {},
      );
    }, REFRESH_MS);
    refresh.unref();
  };

  const describe = (subject: DescribeSubject) => {
    setUi({ overlay: 'container', container: { subject } });
    keepFresh(subject);
    ask(subject).then(
      // Still the one on screen (the operator may have closed it or opened another).
      (described) => sameSubject(shown()?.subject, subject) && setUi({ container: { subject, described } }),
      (err: unknown) =>
        sameSubject(shown()?.subject, subject) && setUi({ container: { subject, error: firstLineOf(err) } }),
    );
  };

  const run = (plan: ActionPlan, subject: DescribeSubject) => {
    const record = ctx.incidentOpen() && ctx.incident ? ctx.incident : undefined;
    say(`${plan.step} on ${plan.where}…`);
    void runCommandStep(
      { step: plan.step, host: plan.where, argv: plan.argv, timeoutMs: ACTION_TIMEOUT_MS, dryRun: false },
      {
        record: (kind, payload) => record?.record(kind, payload),
        target: plan.target,
        signal: new AbortController().signal,
      },
    ).then((r) => {
      const said = r.output.trim() || (r.exitCode === 0 ? `${plan.step}: done` : `${plan.step}: failed`);
      say(
        `${plan.where}: ${said}${r.exitCode === 0 ? '' : ` (exit ${r.exitCode})`}${record ? '' : ' — no open incident, so not journaled'}`,
      );
      // A deleted pod is gone: its detail would only say so.
      if (sameSubject(shown()?.subject, subject) && plan.argv[1] !== 'delete') describe(subject);
    });
  };

  const desiredOf = (subject: DescribeSubject) => {
    const d = shown()?.described;
    if (d?.kind === 'workload') return d.detail.replicas.desired;
    return subject.kind === 'container'
      ? undefined
      : store.getState().workloads[`${subject.host}/${subject.namespace}/${subject.name}`]?.desired;
  };

  /** A compose container's service and every container of it on that host, by name. */
  const serviceOf = (subject: DescribeSubject) => {
    if (subject.kind !== 'container') return {};
    const { containers } = store.getState();
    const own = containers[`${subject.host}/${subject.name}`]?.compose;
    if (!own) return {};
    const names = Object.values(containers)
      .filter(
        (c) =>
          c.host === subject.host && c.compose?.project === own.project && c.compose.service === own.service,
      )
      .map((c) => c.name)
      .sort();
    return { service: { name: own.service, containers: names } };
  };

  /** Plans the verb, asks the system for a dry run where it has one, then asks for what the plan needs. */
  const act = async (verb: ContainerVerb, replicas?: number) => {
    // From the palette, on the dashboard: the selected row's.
    if (!shown()) {
      const picked = selectedSubject(store.getState());
      if (typeof picked === 'string') return say(picked);
      describe(picked);
    }
    const subject = shown()?.subject;
    if (!subject) return;
    const desired = desiredOf(subject);
    if (verb === 'scale' && replicas === undefined && subject.kind === 'workload') {
      return openPrompt({
        purpose: 'scale-workload',
        label: `Scale ${subject.name} in ${subject.host}/${subject.namespace}${desired === undefined ? '' : ` from ${desired}`} to how many replicas?`,
        value: desired === undefined ? '' : String(desired),
        returnTo: 'container',
      });
    }
    const plan = planAction(subject, verb, engines, {
      ...(desired !== undefined && { desired }),
      ...(replicas !== undefined && { replicas }),
      ...serviceOf(subject),
    });
    if (typeof plan === 'string') return say(plan);
    let dryRun: string[] = [];
    if (plan.dryRunArgv) {
      say(`asking ${plan.where} for a server dry run of ${plan.step}…`);
      const r = await plan.target.run(plan.dryRunArgv, {
        timeoutMs: ACTION_TIMEOUT_MS,
        signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
      });
      if (r.exitCode !== 0)
        return say(`${plan.step}: the dry run was refused, nothing was sent: ${r.output}`);
      dryRun = [`server dry run: ${r.output}`];
    }
    if (!sameSubject(shown()?.subject, subject)) return;
    if (!plan.typed) return run(plan, subject);
    openPrompt({
      purpose: 'confirm-container',
      label: `${plan.step} on ${plan.where}. Type "${plan.typed}" to go on`,
      details: [`runs: ${plan.argv.join(' ')}`, ...dryRun],
      value: '',
      action: JSON.stringify({ verb, replicas }),
      returnTo: 'container',
    });
  };

  /** The confirmation typed: a restart of every replica is asked once more, then it runs. */
  const confirmed = (value: string, carry: string | undefined, again: boolean) => {
    setUi({ overlay: 'container' });
    const subject = shown()?.subject;
    const { verb, replicas } = JSON.parse(carry ?? '{}') as { verb: ContainerVerb; replicas?: number };
    if (!subject) return;
    const desired = desiredOf(subject);
    const plan = planAction(subject, verb, engines, {
      ...(desired !== undefined && { desired }),
      ...(replicas !== undefined && { replicas }),
      ...serviceOf(subject),
    });
    if (typeof plan === 'string') return say(plan);
    if (!again && value.trim() !== plan.typed)
      return say(`not confirmed: type "${plan.typed}" to ${plan.step}`);
    if (again && value.trim() !== 'yes') return say(`not confirmed: type "yes" to ${plan.step}`);
    if (plan.everyReplica && !again)
      return openPrompt({
        purpose: 'confirm-container-again',
        label: `${plan.everyReplica} Type "yes" to ${plan.step}`,
        details: [`runs: ${plan.argv.join(' ')}`],
        value: '',
        action: carry ?? '',
        returnTo: 'container',
      });
    run(plan, subject);
  };

  /** Down the detail, or back up the logs (they read from the bottom); the view keeps it in range. */
  const scrollBy = (rows: number) => {
    const c = shown();
    if (!c) return;
    const delta = c.logs ? -rows : rows;
    const most = c.logs?.length ?? 200;
    setUi({ container: { ...c, scroll: Math.max(0, Math.min(most, (c.scroll ?? 0) + delta)) } });
  };

  const actions = {
    /** Enter on a container or pod row, `d` on any row: what its engine or API says about it. */
    describeSelectedContainer: () => {
      const picked = selectedSubject(store.getState());
      if (typeof picked === 'string') return say(picked);
      describe(picked);
    },
    closeContainer: () => {
      clearInterval(refresh);
      setUi({ overlay: 'none', container: undefined });
    },
    scrollContainerDown: () => scrollBy(1),
    scrollContainerUp: () => scrollBy(-1),
    pageContainerDown: () => scrollBy(10),
    pageContainerUp: () => scrollBy(-10),
    /** `l`: a container's or pod's own last lines (its earlier runs too), and back to the detail. */
    toggleContainerLogs: () => {
      const c = shown();
      if (!c) return;
      if (c.logs) return setUi({ container: { ...c, logs: undefined, scroll: 0 } });
      const { subject } = c;
      const managerLog =
        subject.kind === 'container' && managerLogArgv(subject.runtime, subject.name, CONTAINER_LOG_LINES);
      const read = managerLog
        ? readCommandLines(engines?.commandTarget?.(subject.host), managerLog)
        : subject.kind === 'container'
          ? engines?.logs(subject.host, subject.name, CONTAINER_LOG_LINES)
          : subject.kind === 'pod'
            ? engines?.kubernetes?.podLogs(subject.namespace, subject.name, CONTAINER_LOG_LINES)
            : undefined;
      if (!read) return say(`${subject.name}: its pods have the logs; unfold it (Enter) and press d on one`);
      say(`reading the last ${CONTAINER_LOG_LINES} lines of ${subject.name}…`);
      read.then(
        (lines) => {
          const now = shown();
          if (!now || !sameSubject(now.subject, subject)) return;
          const receivedAt = Date.now();
          const logs = lines.map((raw, seq) => parseLine(raw, { source: subject.name, seq, receivedAt }));
          setUi({ container: { ...now, logs, scroll: 0 } });
          say(`the last lines of ${subject.name}, its runs before a restart too`);
        },
        (err: unknown) => say(`could not read the logs of ${subject.name}: ${firstLineOf(err)}`),
      );
    },
    /** `/` on its logs: the log pane's filter language, on these lines. */
    filterContainerLogs: () => {
      const c = shown();
      if (!c?.logs) return say('l first: the filter is for its own logs');
      openPrompt({
        purpose: 'container-filter',
        label: `Filter ${c.subject.name}'s lines (rid:ID level:warn word -word /re/)`,
        value: c.logQuery ?? '',
        returnTo: 'container',
      });
    },
    restartContainer: () => void act('restart'),
    restartService: () => void act('restart-service'),
    stopContainer: () => void act('stop'),
    startContainer: () => void act('start'),
    deletePod: () => void act('delete'),
    scaleWorkload: () => void act('scale'),
  };
  return {
    actions,
    prompts: {
      'confirm-container': (value, prompt) => confirmed(value, prompt.action, false),
      'confirm-container-again': (value, prompt) => confirmed(value, prompt.action, true),
      'container-filter': (value) => {
        setUi({ overlay: 'container' });
        const c = shown();
        if (!c) return;
        const { error } = compileFilter(value);
        if (error) return say(`filter: ${error}`);
        setUi({ container: { ...c, logQuery: value.trim(), scroll: 0 } });
      },
      'scale-workload': (value) => {
        setUi({ overlay: 'container' });
        const n = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
        if (!(n <= MAX_REPLICAS))
          return say(
            `scale: expected a whole number of replicas up to ${MAX_REPLICAS}; got "${sanitize(value.trim())}"`,
          );
        void act('scale', n);
      },
    },
  } satisfies Controller<typeof actions>;
}

/** The names of this controller's actions, which its key bindings (`bindings/containersBindings.ts`) name. */
export type ContainersAction = keyof ReturnType<typeof containersController>['actions'];
