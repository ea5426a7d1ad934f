import { type CommandResult, type CommandTarget, finishedAction } from '../model/command';
import type { ContainerDetail, ContainerEngines } from '../model/containerDetail';
import { sanitize } from '../text/sanitize';
import { DEMO_HOST, type DemoFleet } from './fleet';

const VERBS = ['restart', 'stop', 'start'] as const;
type Verb = (typeof VERBS)[number];

/** A demo service as the describe view shows a container: its process, release, health and port. */
function describeService(fleet: DemoFleet, name: string): ContainerDetail {
  const proc = fleet.processes.get(name);
  if (!proc) throw new Error(`the demo has no service named "${sanitize(name)}"`);
  const s = proc.current;
  const port = fleet.ports.get(name);
  return {
    name,
    host: DEMO_HOST,
    image: `the demo's ${name} service, release ${s.version ?? '?'}`,
    state: s.state,
    ...(s.exitCode !== undefined && { exitCode: s.exitCode }),
    oomKilled: false,
    ...(s.startedAt !== undefined && { startedAt: s.startedAt }),
    restarts: s.restarts,
    restartPolicy: 'always, backing off to 30s',
    ...(port && {
      health: {
        status: s.health,
        failingStreak: s.healthFailingStreak ?? 0,
        command: `GET http://127.0.0.1:${port}/health`,
        runs: [],
      },
    }),
    labels: [
      ['releases', fleet.releasesOf(name).join(' → ')],
      ['pid', String(s.pid ?? '-')],
    ],
    ports: port ? [`127.0.0.1:${port}`] : [],
    mounts: [],
    limits: {},
  };
}

/**
 * The demo's fleet as the describe view's engine: its services described, their last lines, and a
 * target that runs `opsconsole demo restart|stop|start SERVICE` on the supervisor, so every action
 * a real container takes can be tried with no infrastructure, journaled the same way.
 */
export function demoEngines(fleet: () => DemoFleet | undefined): ContainerEngines {
  const running = () => {
    const f = fleet();
    if (!f) throw new Error('the demo fleet has not started yet');
    return f;
  };
  const target: CommandTarget = {
    name: DEMO_HOST,
    async run(argv): Promise<CommandResult> {
      const [program, demo, verb, name, ...rest] = argv;
      if (
        program !== 'opsconsole' ||
        demo !== 'demo' ||
        !VERBS.includes(verb as Verb) ||
        !name ||
        rest.length > 0
      )
        throw new Error(`not a demo action: ${sanitize(argv.join(' '))}`);
      const started = Date.now();
      const proc = running().processes.get(name);
      const done = (exitCode: number, output: string) => finishedAction(exitCode, output, started);
      if (!proc) return done(1, `the demo has no service named "${sanitize(name)}"`);
      const state = proc.current.state;
      if (verb === 'start' && state !== 'stopped')
        return done(0, `${name} was already running: nothing to do`);
      if (verb === 'stop' && state === 'stopped')
        return done(0, `${name} was already stopped: nothing to do`);
      if (verb === 'restart') await proc.restart();
      else if (verb === 'stop') await proc.stop();
      else proc.start();
      return done(0, `${verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'restarted'} ${name}`);
    },
  };
  return {
    describe: async (_host, name) => describeService(running(), name),
    logs: async (_host, name, tail) => running().tail(name, tail),
    target: (host) => (host === DEMO_HOST ? target : undefined),
  };
}
