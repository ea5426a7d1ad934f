import { type CommandResult, type CommandTarget, finishedAction, type RunOptions } from '../model/command';
import { sanitize } from '../text/sanitize';
import { isDns1123Label, isDns1123Subdomain, KubernetesTargetError, loadKubeConfig } from './kubernetesApi';
import { kubeconfigPath } from './kubernetesSource';

export type WorkloadKind = 'deployment' | 'statefulset';

/** `deployment/NAME`, `deploy/NAME`, `statefulset/NAME` or `sts/NAME`, as kubectl takes them. */
export function parseWorkloadRef(arg: string): { kind: WorkloadKind; name: string } | undefined {
  const m = /^(deployments?|deploy|statefulsets?|sts)(?:\.apps)?\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(
    arg,
  );
  if (!m || !isDns1123Subdomain(m[2] as string)) return undefined;
  return { kind: (m[1] as string).startsWith('d') ? 'deployment' : 'statefulset', name: m[2] as string };
}

/** What `kubectl rollout restart` patches in: the template's restartedAt, to the second, in UTC. */
export function restartPatch(now: Date) {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } };
}

export interface ClusterTarget {
  kubeconfig?: string;
  context?: string;
}

/**
 * A command target that runs `kubectl rollout restart KIND/NAME -n NS`, `kubectl scale KIND/NAME
 * --replicas=N -n NS` and `kubectl delete pod NAME -n NS` through the API with the same requests
 * kubectl sends (a strategic merge patch of the template's restartedAt; a merge patch of the scale
 * subresource; a DELETE with background propagation), so the step runner journals them like any
 * step and the journal shows the kubectl command they equal.
 */
export function kubernetesTarget(cluster: ClusterTarget): CommandTarget {
  return {
    name: cluster.context ?? 'kubernetes',
    async run(argv: string[], _options: RunOptions): Promise<CommandResult> {
      const started = Date.now();
      // `--dry-run=server` last, as kubectl takes it: the API validates and answers, and stores nothing.
      const dry = argv.at(-1) === '--dry-run=server';
      const action = parseAction(dry ? argv.slice(0, -1) : argv);
      const dryRun = dry ? { dryRun: 'All' } : {};
      const said = dry ? ' (server dry run)' : '';
      process.noDeprecation = true;
      const k8s = await import('@kubernetes/client-node');
      const kc = loadKubeConfig(k8s, cluster.kubeconfig ?? kubeconfigPath(), cluster.context);
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const { kind, name, namespace } = action;
      const result = (exitCode: number, output: string) => finishedAction(exitCode, output, started);
      try {
        if (action.verb === 'delete') {
          const core = kc.makeApiClient(k8s.CoreV1Api);
          await core.deleteNamespacedPod({
            name,
            namespace,
            ...dryRun,
            body: { propagationPolicy: 'Background' },
          });
          return result(0, `pod "${name}" deleted${said}`);
        }
        if (action.verb === 'restart') {
          const args = {
            name,
            namespace,
            ...dryRun,
            body: restartPatch(new Date()),
            fieldManager: 'kubectl-rollout',
          };
          const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
          if (kind === 'deployment') await apps.patchNamespacedDeployment(args, strategic);
          else await apps.patchNamespacedStatefulSet(args, strategic);
          return result(0, `${kind}.apps/${name} restarted${said}`);
        }
        const args = { name, namespace, ...dryRun, body: { spec: { replicas: action.replicas } } };
        const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
        if (kind === 'deployment') await apps.patchNamespacedDeploymentScale(args, merge);
        else await apps.patchNamespacedStatefulSetScale(args, merge);
        return result(0, `${kind}.apps/${name} scaled to ${action.replicas}${said}`);
      } catch (err) {
        const e = err as { code?: unknown; body?: unknown; message?: string };
        const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
        const said = /"message":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
        return result(
          1,
          typeof e.code === 'number'
            ? `the Kubernetes API answered HTTP ${e.code}${said ? `: ${sanitize(said).slice(0, 300)}` : ''}`
            : `could not reach the Kubernetes API: ${sanitize(String(e.message ?? err)).slice(0, 300)}`,
        );
      }
    },
  };
}

type Action = { kind: WorkloadKind | 'pod'; name: string; namespace: string } & (
  | { verb: 'restart' }
  | { verb: 'delete' }
  | { verb: 'scale'; replicas: number }
);

/** The three argv shapes the target takes; anything else is refused before a request is made. */
function parseAction(argv: string[]): Action {
  const [kubectl, first, ...rest] = argv;
  if (
    kubectl === 'kubectl' &&
    first === 'delete' &&
    rest[0] === 'pod' &&
    rest[2] === '-n' &&
    rest.length === 4
  ) {
    const [, name = '', , ns = ''] = rest;
    if (isDns1123Subdomain(name) && isDns1123Label(ns))
      return { verb: 'delete', kind: 'pod', name, namespace: ns };
  }
  const words = first === 'rollout' ? rest : [first ?? '', ...rest];
  const verb = words[0];
  const ref = parseWorkloadRef(words[1] ?? '');
  const ns = words[words.indexOf('-n') + 1];
  const replicas = Number(
    /^--replicas=(\d{1,6})$/.exec(words.find((w) => w.startsWith('--replicas=')) ?? '')?.[1],
  );
  if (kubectl !== 'kubectl' || !ref || !ns || !words.includes('-n') || !isDns1123Label(ns))
    throw new KubernetesTargetError(`not a workload action: ${sanitize(argv.join(' '))}`);
  if (first === 'rollout' && verb === 'restart') return { verb: 'restart', ...ref, namespace: ns };
  if (verb === 'scale' && Number.isInteger(replicas))
    return { verb: 'scale', replicas, ...ref, namespace: ns };
  throw new KubernetesTargetError(`not a workload action: ${sanitize(argv.join(' '))}`);
}
