import type { Environment } from '../config/schema';
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
import { confirmByName, runJournaledAction } from './journaledAction';

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
    // Docker's own grammar for a container name (or id): anything else is no container, and a
    // name that cannot be typed could never be confirmed.
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(name))
      throw new UserError(
        `opsconsole container: "${sanitize(name)}" is not a container name (letters, digits, "_", "." and "-", from a letter or digit)`,
      );
    const { loaded, env } = await watchedEnvironment(values, globals.config);
    const hosts = new EnvironmentHosts(env, () => {});
    try {
      const host = await engineHolding(env, hosts, name, values.host as string | undefined);
      if (STOPPING_ACTIONS.includes(verb))
        await confirmByName(
          `${verb} ${name} on ${host} (it stops the container)`,
          name,
          values.yes,
          'container',
        );
      return await runJournaledAction(loaded, values.incident, {
        step: `${verb} ${name}`,
        host,
        argv: containerActionArgv(verb, name),
        target: dockerEngineTarget(host, dockerDialer(env, hosts, host)),
      });
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
