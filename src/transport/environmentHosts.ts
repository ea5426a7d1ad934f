import { expandHome } from '../config/paths';
import type { Environment } from '../config/schema';
import type { CommandTarget } from '../model/command';
import type { EventSink } from '../model/sourceEvents';
import { localTarget } from './localCommand';
import { parseSshTarget, SshConnection, type SshTarget } from './sshConnection';

/**
 * The hosts of one environment: one SSH connection per remote host, shared by everything that talks
 * to it (Docker, commands), with its connection state reported as a source.
 */
export class EnvironmentHosts {
  private readonly connections = new Map<string, SshConnection>();

  constructor(
    private readonly env: Environment,
    private readonly sink: EventSink,
  ) {}

  private targetOf(name: string, seen: Set<string> = new Set()): SshTarget | undefined {
    const host = this.env.hosts[name];
    if (!host?.ssh) return undefined;
    if (seen.has(name)) throw new Error(`jump hosts of ${name} form a loop`);
    seen.add(name);
    const { user, host: address, port } = parseSshTarget(host.ssh);
    const jump = host.jump ? this.targetOf(host.jump, seen) : undefined;
    const identityFile = host.identityFile && expandHome(host.identityFile);
    const knownHostsFile = host.knownHostsFile && expandHome(host.knownHostsFile);
    return {
      name,
      user,
      host: address,
      port,
      agent: host.agent,
      keepaliveMs: host.keepalive,
      ...(identityFile && { identityFile }),
      ...(knownHostsFile && { knownHostsFile }),
      ...(jump && { jump }),
    };
  }

  isRemote(name: string): boolean {
    return this.env.hosts[name]?.ssh !== undefined;
  }

  /** The SSH connection of a remote host, created on first use. */
  ssh(name: string): SshConnection {
    let conn = this.connections.get(name);
    if (!conn) {
      const target = this.targetOf(name);
      if (!target) throw new Error(`host ${name} is not an ssh host`);
      conn = new SshConnection(target);
      const id = `ssh@${name}`;
      conn.on('state', (state: string, reason?: string, nextTryAt?: number) =>
        this.sink({
          type: 'source',
          id,
          state:
            state === 'connecting'
              ? 'connecting'
              : (state as 'connected' | 'reconnecting' | 'failed' | 'stopped'),
          at: Date.now(),
          ...(reason && { reason }),
          ...(nextTryAt && { nextTryAt }),
        }),
      );
      this.connections.set(name, conn);
    }
    return conn;
  }

  commandTarget(name: string): CommandTarget {
    return name === 'local' || !this.isRemote(name) ? localTarget : this.ssh(name).commandTarget;
  }

  stop(): void {
    for (const c of this.connections.values()) c.stop();
  }
}
