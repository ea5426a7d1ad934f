import { type CommandResult, type CommandTarget, finishedAction, type RunOptions } from '../model/command';
import type { ContainerDetail } from '../model/containerDetail';
import { sanitize } from '../text/sanitize';
import { type DockerDialer, dockerClient } from './dockerSource';
import { containerDetailFromInspect, type InspectDetail } from './mappings/dockerContainerDetail';
import { type DockerEventLike, dockerDetailEvents } from './mappings/dockerEvent';

/** What the console can do to a container, as the `docker` verb of the same name. */
export const CONTAINER_ACTIONS = ['restart', 'stop', 'start'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** Actions that stop the container (a restart stops it first): they ask for the name typed. */
export const STOPPING_ACTIONS: readonly ContainerAction[] = ['restart', 'stop'];

/** Seconds the engine waits after SIGTERM before it kills, as `docker stop` does by default. */
const STOP_GRACE_S = 10;

export function isContainerAction(verb: string): verb is ContainerAction {
  return (CONTAINER_ACTIONS as readonly string[]).includes(verb);
}

/** The argv an action is journaled and shown as: what an operator would type for the same effect. */
export function containerActionArgv(action: ContainerAction, container: string): string[] {
  return ['docker', action, container];
}

/**
 * A command target that runs `docker restart|stop|start NAME...` through the Engine API (the local
 * socket, or the one forwarded over SSH), so actions need no docker CLI on the host and go over the
 * same link the console watches. Several names go one after another, as the docker CLI does them,
 * and the first refusal stops the rest. The step runner journals intent and result around it.
 */
export function dockerEngineTarget(host: string, dialer: DockerDialer): CommandTarget {
  return {
    name: host,
    async run(argv: string[], options: RunOptions): Promise<CommandResult> {
      const [docker, verb, ...containers] = argv;
      if (docker !== 'docker' || !verb || !isContainerAction(verb) || containers.length === 0)
        throw new Error(`not a container action: ${sanitize(argv.join(' '))}`);
      const started = Date.now();
      const outputs: string[] = [];
      for (const container of containers) {
        const one = await actOn(dialer, verb, container, options);
        outputs.push(one.output);
        if (one.exitCode !== 0) return finished(1, outputs, started);
      }
      return finished(0, outputs, started);
    },
  };
}

function finished(exitCode: number, outputs: string[], started: number): CommandResult {
  return finishedAction(exitCode, outputs.join('; '), started);
}

/** One container's verb through the engine: what it did, or what the engine answered. */
async function actOn(
  dialer: DockerDialer,
  verb: ContainerAction,
  container: string,
  options: RunOptions,
): Promise<{ exitCode: number; output: string }> {
  const client = dockerClient(dialer);
  try {
    const res = await client.request({
      method: 'POST',
      path: `/containers/${encodeURIComponent(container)}/${verb}${verb === 'start' ? '' : `?t=${STOP_GRACE_S}`}`,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.signal && { signal: options.signal }),
    });
    const body = sanitize(await res.body.text()).slice(0, 500);
    const said = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? body;
    const output =
      res.statusCode === 204
        ? `${verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'restarted'} ${container}`
        : res.statusCode === 304
          ? `${container} was already ${verb === 'stop' ? 'stopped' : 'running'}: nothing to do`
          : `the Docker engine answered ${res.statusCode}: ${said}`;
    return { exitCode: res.statusCode === 204 || res.statusCode === 304 ? 0 : 1, output };
  } finally {
    void client.destroy().catch(() => {});
  }
}

/** An inspect document's size past which it is not read: labels and health output are small. */
const MAX_INSPECT_BYTES = 2 * 1024 * 1024;

/** How far back the describe view asks for a container's events, and how many bytes of them it reads. */
const EVENTS_WINDOW_S = 3600;
const MAX_EVENT_BYTES = 1024 * 1024;
/** The lifecycle and health events: the engine leaves out each health check's exec_* triple. */
const TOLD_EVENTS = [
  'create',
  'start',
  'restart',
  'stop',
  'kill',
  'die',
  'oom',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'health_status',
];

/**
 * `docker events --since 1h --until now --filter container=NAME`: the answer ends at `until`. Read
 * up to `MAX_EVENT_BYTES`; what is past it is left (the newest are the ones kept, so a container
 * that churned for an hour shows its first events only: said by the view's count, not hidden).
 */
async function containerEvents(dialer: DockerDialer, name: string): Promise<DockerEventLike[]> {
  const client = dockerClient(dialer);
  // To the millisecond: a whole second would leave out what happened in this one (the restart just made).
  const now = Date.now() / 1000;
  const filters = JSON.stringify({ container: [name], type: ['container'], event: TOLD_EVENTS });
  try {
    const res = await client.request({
      method: 'GET',
      path: `/events?since=${(now - EVENTS_WINDOW_S).toFixed(3)}&until=${now.toFixed(3)}&filters=${encodeURIComponent(filters)}`,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return [];
    }
    let text = '';
    for await (const chunk of res.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > MAX_EVENT_BYTES) {
        res.body.destroy();
        text = text.slice(0, text.lastIndexOf('\n') + 1);
        break;
      }
    }
    return text.split('\n').flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as DockerEventLike] : [];
      } catch {
        return [];
      }
    });
  } finally {
    void client.destroy().catch(() => {});
  }
}

/** `docker inspect NAME` and its last hour's events through the engine, as the describe view shows them. */
export async function describeDockerContainer(
  host: string,
  dialer: DockerDialer,
  name: string,
): Promise<ContainerDetail> {
  const [detail, events] = await Promise.all([
    inspectContainer(host, dialer, name),
    // Events are what the detail adds to: an engine that will not give them still describes.
    containerEvents(dialer, name).catch(() => undefined),
  ]);
  return { ...detail, ...(events && { events: dockerDetailEvents(events) }) };
}

async function inspectContainer(host: string, dialer: DockerDialer, name: string): Promise<ContainerDetail> {
  const client = dockerClient(dialer);
  try {
    const res = await client.request({
      method: 'GET',
      path: `/containers/${encodeURIComponent(name)}/json`,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_INSPECT_BYTES) {
        res.body.destroy();
        throw new Error(
          `the engine's answer for ${sanitize(name)} is over ${MAX_INSPECT_BYTES / 1024 / 1024} MiB`,
        );
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200)
      throw new Error(`the Docker engine answered ${res.statusCode}: ${sanitize(text).slice(0, 200)}`);
    return containerDetailFromInspect(host, JSON.parse(text) as InspectDetail);
  } finally {
    void client.destroy().catch(() => {});
  }
}
