import type { Environment } from '../config/schema';
import type { EventSink } from '../model/sourceEvents';
import type { EnvironmentHosts } from '../transport/environmentHosts';
import { followEveryContainer } from './containerLogFollower';
import { DockerLogSource } from './dockerLogSource';
import { type DockerDialer, DockerSource } from './dockerSource';
import { FileFollower } from './fileFollower';
import type { ReadBack } from './readBack';
import { journaldArgv, journaldCursor, journaldTime, StreamingLogSource } from './streamingLogSource';

export interface Startable {
  start(): void;
  stop(): void;
}

/** How to reach a host's Docker engine: its socket locally, through the SSH link otherwise. */
export function dockerDialer(env: Environment, hosts: EnvironmentHosts, name: string): DockerDialer {
  const socket = env.hosts[name]?.dockerSocket ?? '/var/run/docker.sock';
  return hosts.isRemote(name)
    ? { openStream: () => hosts.ssh(name).openUnixSocket(socket) }
    : { socketPath: socket };
}

/**
 * One engine watched: its containers as they change and, with `followLogs`, every container's log
 * stream (those started later too), each under its service's name.
 */
export function engineWatcher(
  name: string,
  dialer: DockerDialer,
  sink: EventSink,
  followLogs: boolean,
  readBack?: ReadBack,
): Startable {
  if (!followLogs) return new DockerSource(name, dialer, sink);
  const every = followEveryContainer(dialer, sink, readBack);
  const source = new DockerSource(name, dialer, every.sink);
  return {
    start: () => source.start(),
    stop: () => {
      source.stop();
      every.stop();
    },
  };
}

/**
 * The followers of every log a service's config names: files (locally, or `tail -F` over SSH),
 * containers, journald units and commands. The console and `opsconsole logs --follow` both read
 * the config's logs through these.
 */
export function serviceLogFollowers(
  env: Environment,
  sink: EventSink,
  hosts: EnvironmentHosts,
  /**
   * `filesFromStart`: local files from their first line (`logs --follow` prints them whole), not
   * from their end. `readBack`: what each log held before the console opened (the console's).
   */
  options: { filesFromStart?: boolean; readBack?: ReadBack } = {},
): Startable[] {
  const followers: Startable[] = [];
  for (const [service, cfg] of Object.entries(env.services)) {
    for (const log of cfg.logs) {
      const hostName = log.host ?? cfg.host;
      const remote = hosts.isRemote(hostName);
      const target = hosts.commandTarget(hostName);
      const fields = log.fields;
      const common = { source: service, target, ...(fields && { fields }) };
      if ('file' in log && !remote)
        followers.push(
          new FileFollower(log.file, service, sink, {
            ...(fields && { fields }),
            ...(options.filesFromStart && { fromStart: true }),
            ...(options.readBack && { readBack: options.readBack }),
          }),
        );
      else if ('file' in log)
        followers.push(
          new StreamingLogSource({ ...common, argvFor: () => ['tail', '-n', '100', '-F', log.file] }, sink),
        );
      else if ('docker' in log)
        followers.push(
          new DockerLogSource(log.docker, service, dockerDialer(env, hosts, hostName), sink, {
            ...(fields && { fields }),
            ...(options.readBack && { readBack: options.readBack }),
          }),
        );
      else if ('journald' in log)
        followers.push(
          new StreamingLogSource(
            {
              ...common,
              argvFor: journaldArgv(log.journald, options.readBack),
              resumePoint: journaldCursor,
              ...(options.readBack && { lineTime: journaldTime, readBackCap: options.readBack.maxLines }),
            },
            sink,
          ),
        );
      else followers.push(new StreamingLogSource({ ...common, argvFor: () => log.command }, sink));
    }
  }
  return followers;
}
