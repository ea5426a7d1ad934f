import { createInterface } from 'node:readline/promises';
import { stateDirFor } from '../config/paths';
import type { Environment } from '../config/schema';
import { configSecrets } from '../config/secrets';
import { IncidentRepository } from '../incident/incidentRepository';
import { IncidentRecorder } from '../incident/recorder';
import type { StepRunnerContext } from '../playbooks/stepRunner';
import { runCommandStep } from '../playbooks/stepRunner';
import {
  CONTAINER_ACTIONS,
  containerActionArgv,
  dockerEngineTarget,
  isContainerAction,
  STOPPING_ACTIONS,
} from '../sources/dockerActions';
import { dockerClient } from '../sources/dockerSource';
import { dockerDialer } from '../sources/serviceLogs';
import { sanitize } from '../text/sanitize';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { UserError } from '../userError';
import type { Command } from './commands';
import { WATCH_OPTIONS, watchedEnvironment } from './environment';
import { stderr, stdout } from './output';

const ACTION_TIMEOUT_MS = 60_000;

export const containerCommand: Command = {
  name: 'container',
  summary: 'Restart, stop or start a Docker container, journaled into the open incident.',
  usage: `opsconsole container ${CONTAINER_ACTIONS.join('|')} NAME [--host H] [--env E] [--incident ID] [--yes]`,
  details: [
    "Runs through the host's Docker engine (its socket, or over SSH as the console reaches it), as",
    '`docker restart|stop|start NAME` would. The intent is journaled into the incident (--incident ID,',
    'else the open one) before anything is sent, and the result after, with the host.',
    'restart and stop stop the container: on a terminal they ask for its name to be typed; without',
    'one they are refused unless --yes. --host picks the engine when several hold that name.',
    '',
    'Exit status: 0 done (or nothing to do), 1 the engine said no or could not be reached, 2 usage.',
  ],
  options: {
    ...WATCH_OPTIONS,
    host: { type: 'string' },
    incident: { type: 'string' },
    yes: { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    const [verb, name, ...extra] = positionals;
    if (!verb || !isContainerAction(verb) || !name || extra.length > 0)
      throw new UserError(
        `opsconsole container: usage: opsconsole container ${CONTAINER_ACTIONS.join('|')} NAME [--host H]${verb && !isContainerAction(verb) ? `\n  "${sanitize(verb)}" is not one of ${CONTAINER_ACTIONS.join(', ')}` : ''}`,
      );
    const { loaded, env } = await watchedEnvironment(values, globals.config);
    const hosts = new EnvironmentHosts(env, () => {});
    try {
      const host = await engineHolding(env, hosts, name, values.host as string | undefined);
      const argv = containerActionArgv(verb, name);
      if (STOPPING_ACTIONS.includes(verb) && !values.yes) await confirmByName(verb, name, host);
      const repo = new IncidentRepository(stateDirFor(loaded));
      const incident = typeof values.incident === 'string' ? repo.open(values.incident) : undefined;
      const id = incident ? values.incident : repo.active()?.id;
      const recorder = id
        ? new IncidentRecorder(repo.open(id as string), configSecrets(loaded.config))
        : undefined;
      const ctx: StepRunnerContext = {
        record: (kind, payload) => {
          recorder?.record(kind, payload);
        },
        target: dockerEngineTarget(host, dockerDialer(env, hosts, host)),
        signal: new AbortController().signal,
      };
      const result = await runCommandStep(
        { step: `${verb} ${name}`, host, argv, timeoutMs: ACTION_TIMEOUT_MS, dryRun: false },
        ctx,
      );
      stdout.write(`${host}: ${result.output}\n`);
      stderr.line(
        id
          ? `opsconsole: container: journaled into ${sanitize(String(id))}`
          : 'opsconsole: container: no open incident, so nothing was journaled (--incident ID names one)',
      );
      return result.exitCode === 0 ? 0 : 1;
    } finally {
      hosts.stop();
    }
  },
};

/** The Docker host that has a container of this name: --host, the only engine, or the one that answers. */
async function engineHolding(
  env: Environment,
  hosts: EnvironmentHosts,
  name: string,
  wanted: string | undefined,
): Promise<string> {
  const engines = Object.entries(env.hosts)
    .filter(([, h]) => h.docker)
    .map(([n]) => n);
  if (wanted !== undefined) {
    if (!engines.includes(wanted))
      throw new UserError(
        `opsconsole container: --host ${sanitize(wanted)}: no such Docker host here${engines.length > 0 ? ` (there are: ${engines.join(', ')})` : ''}`,
      );
    return wanted;
  }
  if (engines.length === 0)
    throw new UserError(
      'opsconsole container: this environment watches no Docker engine\n  fix: give --docker URL or a config with a docker host',
    );
  if (engines.length === 1) return engines[0] as string;
  const holding: string[] = [];
  for (const host of engines) {
    const client = dockerClient(dockerDialer(env, hosts, host));
    try {
      const res = await client.request({
        method: 'GET',
        path: `/containers/${encodeURIComponent(name)}/json`,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await res.body.dump();
      if (res.statusCode === 200) holding.push(host);
    } catch {
      // An engine out of reach does not hold it, as far as this command can tell.
    } finally {
      void client.destroy().catch(() => {});
    }
  }
  if (holding.length === 1) return holding[0] as string;
  throw new UserError(
    holding.length === 0
      ? `opsconsole container: no engine of ${engines.join(', ')} has a container named ${sanitize(name)}`
      : `opsconsole container: ${holding.join(' and ')} both have a container named ${sanitize(name)}\n  fix: pick one with --host`,
  );
}

/** A stopping action on a terminal asks for the container's name typed; without one, --yes is needed. */
async function confirmByName(verb: string, name: string, host: string): Promise<void> {
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new UserError(
      `opsconsole container: ${verb} stops ${sanitize(name)} on ${host}: refused without a terminal to confirm on\n  fix: add --yes to do it from a script`,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const typed = await rl.question(`${verb} stops ${sanitize(name)} on ${host}. Type its name to go on: `);
    if (typed.trim() !== name)
      throw new UserError(
        `opsconsole container: not confirmed (typed "${sanitize(typed.trim())}"); nothing was done`,
        1,
      );
  } finally {
    rl.close();
  }
}
