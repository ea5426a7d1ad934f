import type { CommandTarget } from '../../model/command';
import type {
  ContainerDetail,
  ContainerEngines,
  ContainerRuntime,
  DescribeSubject,
} from '../../model/containerDetail';
import type { ContainerStatus } from '../../model/sourceEvents';

export type ContainerVerb = 'restart' | 'stop' | 'start' | 'delete' | 'scale' | 'restart-service';

/** Exactly what an action will send, where, and what it asks of the operator first. */
export interface ActionPlan {
  /** The journal's title for the step (`restart shop-api-1`). */
  step: string;
  /** Where it runs: the Docker host, or cluster/namespace. */
  where: string;
  argv: string[];
  target: CommandTarget;
  /** It stops or removes: this name must be typed. */
  typed?: string;
  /** It restarts every replica at once: asked a second time, with this said. */
  everyReplica?: string;
  /** The same, checked by the system without doing it (Kubernetes' server dry run). */
  dryRunArgv?: string[];
}

/** What an operator would type for the same effect, by what runs the container: how it is journaled. */
const RUNTIME_COMMAND: Record<ContainerRuntime, string[]> = {
  docker: ['docker'],
  process: ['opsconsole', 'demo'],
  pm2: ['pm2'],
  systemd: ['systemctl'],
};

/** Runtimes acted on by running their own command on the host, as its status command runs. */
const BY_COMMAND: readonly ContainerRuntime[] = ['pm2', 'systemd'];

/** A process manager's own last lines of what it runs: `l` on a pm2 process or a systemd unit. */
export function managerLogArgv(runtime: ContainerRuntime, name: string, lines: number): string[] | undefined {
  if (runtime === 'pm2') return ['pm2', 'logs', name, '--lines', String(lines), '--nostream', '--raw'];
  if (runtime === 'systemd')
    return ['journalctl', '-u', name, '-n', String(lines), '--no-pager', '-o', 'cat'];
  return undefined;
}

const KUBECTL_KIND = { Deployment: 'deployment', StatefulSet: 'statefulset' } as const;

/**
 * What `verb` means for what the describe view shows: `docker VERB NAME` on its host (the demo's
 * supervisor for its processes); for a pod,
 * `kubectl delete pod`; for a Deployment or StatefulSet, `kubectl rollout restart` or `kubectl
 * scale`. A string says why it cannot be done to this subject, or through this console.
 */
export function planAction(
  subject: DescribeSubject,
  verb: ContainerVerb,
  engines: ContainerEngines | undefined,
  counts: { desired?: number; replicas?: number; service?: { name: string; containers: string[] } } = {},
): ActionPlan | string {
  if (subject.kind === 'container' && verb === 'restart-service') {
    const { service } = counts;
    const target = subject.runtime === 'docker' ? engines?.target(subject.host) : undefined;
    if (!service || !target)
      return `restart every container of a service: for a Docker compose service's container`;
    return {
      step: `restart service ${service.name} (${service.containers.length} containers)`,
      where: subject.host,
      argv: ['docker', 'restart', ...service.containers],
      target,
      typed: service.name,
      everyReplica: `This restarts all ${service.containers.length} containers of ${service.name} at once: it is down until they are back.`,
    };
  }
  if (subject.kind === 'container') {
    if (verb === 'delete' || verb === 'scale')
      return verb === 'delete'
        ? 'D deletes a pod (its controller starts another); a container is restarted (R), stopped (S) or started (U)'
        : 's scales a Deployment or StatefulSet; a container is restarted (R), stopped (S) or started (U)';
    const target = BY_COMMAND.includes(subject.runtime)
      ? engines?.commandTarget?.(subject.host)
      : engines?.target(subject.host);
    if (!target) return `${verb}: this console cannot act on the containers of ${subject.host}`;
    return {
      step: `${verb} ${subject.name}`,
      where: subject.host,
      // pm2 prints its whole table after each verb: -s leaves the exit status to say how it went.
      argv: [
        ...RUNTIME_COMMAND[subject.runtime],
        verb,
        subject.name,
        ...(subject.runtime === 'pm2' ? ['-s'] : []),
      ],
      target,
      ...(verb !== 'start' && { typed: subject.name }),
    };
  }
  const cluster = engines?.kubernetes;
  if (!cluster) return `${verb}: this console has no way to the cluster ${subject.host}`;
  const where = `${subject.host}/${subject.namespace}`;
  const ns = ['-n', subject.namespace];
  const withDryRun = (plan: Omit<ActionPlan, 'dryRunArgv' | 'target' | 'where'>): ActionPlan => ({
    ...plan,
    where,
    target: cluster.target,
    dryRunArgv: [...plan.argv, '--dry-run=server'],
  });
  if (subject.kind === 'pod') {
    if (verb !== 'delete')
      return `${verb}: a pod is deleted (D) and its controller starts another; restart or scale its workload (d on the workload's row)`;
    return withDryRun({
      step: `delete pod/${subject.name}`,
      argv: ['kubectl', 'delete', 'pod', subject.name, ...ns],
      typed: subject.name,
    });
  }
  if (subject.workload === 'DaemonSet')
    return `${verb}: this console restarts and scales Deployments and StatefulSets; a DaemonSet runs one pod per node`;
  const ref = `${KUBECTL_KIND[subject.workload]}/${subject.name}`;
  if (verb === 'restart')
    return withDryRun({
      step: `restart ${ref}`,
      argv: ['kubectl', 'rollout', 'restart', ref, ...ns],
      typed: subject.name,
      everyReplica: `This replaces every pod of ${subject.name} (${counts.desired ?? 'all'}), as its rollout strategy allows.`,
    });
  if (verb === 'scale' && counts.replicas !== undefined) {
    const fewer = counts.desired === undefined || counts.replicas < counts.desired;
    return withDryRun({
      step: `scale ${ref} to ${counts.replicas}`,
      argv: ['kubectl', 'scale', ref, `--replicas=${counts.replicas}`, ...ns],
      ...(fewer && { typed: subject.name }),
    });
  }
  return `${verb}: a workload is restarted (R) or scaled (s); its pods are deleted one by one (d on a pod)`;
}

/** A row a process manager reported, as the describe view shows it: what its status command read. */
export function detailOfStatus(c: ContainerStatus): ContainerDetail {
  return {
    name: c.name,
    host: c.host,
    image: `${c.managedBy ?? 'a process manager'} runs it${c.version ? `, version ${c.version}` : ''}`,
    state: c.state,
    ...(c.exitCode !== undefined && { exitCode: c.exitCode }),
    oomKilled: c.oomKilled === true,
    ...(c.startedAt !== undefined && { startedAt: c.startedAt }),
    restarts: c.restarts,
    labels: [
      ...(c.cpuPercent !== undefined ? [['cpu', `${c.cpuPercent}%`] as [string, string]] : []),
      ...(c.deployedBy ? [['deployed', c.deployedBy.evidence] as [string, string]] : []),
    ],
    ports: [],
    mounts: [],
    limits: {},
  };
}

/** Runs a command that prints lines (`pm2 logs`, `journalctl`) on the host; its output as lines. */
export async function readCommandLines(target: CommandTarget | undefined, argv: string[]): Promise<string[]> {
  if (!target) throw new Error('this console cannot run commands on that host');
  const r = await target.run(argv, { timeoutMs: 30_000 });
  if (r.exitCode !== 0)
    throw new Error(`${argv[0]} exited ${r.exitCode}: ${r.output.split('\n').at(-1) ?? ''}`);
  return r.output.split('\n').filter((l) => l !== '');
}
