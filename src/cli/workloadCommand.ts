import { existsSync } from 'node:fs';
import { isDns1123Subdomain } from '../sources/kubernetesApi';
import { kubernetesTarget, parseWorkloadRef } from '../sources/kubernetesWorkloadActions';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { confirmByName, runJournaledAction } from './journaledAction';

const USAGE = [
  'opsconsole workload restart KIND/NAME [-n NS] [--context C] [--incident ID] [--dry-run]',
  '       opsconsole workload scale KIND/NAME --replicas N [-n NS] [--context C] [--incident ID] [--yes] [--dry-run]',
  '       opsconsole workload delete pod/NAME [-n NS] [--context C] [--incident ID] [--yes] [--dry-run]',
].join('\n');

/** `pod/NAME` or `pods/NAME`, as `kubectl delete` takes one pod. */
const podRef = (arg: string) => {
  const m = /^pods?\/(.+)$/.exec(arg);
  return m && isDns1123Subdomain(m[1] as string) ? (m[1] as string) : undefined;
};

export const workloadCommand: Command = {
  name: 'workload',
  summary: 'Restart or scale a Kubernetes workload, or delete a pod, as kubectl does, journaled.',
  usage: USAGE,
  details: [
    "Sends what `kubectl rollout restart` and `kubectl scale` send (the template's restartedAt as a",
    'strategic merge patch; the scale subresource as a merge patch), through the kubeconfig as kubectl',
    'reads it. The intent is journaled into the incident (--incident ID, else the open one) before',
    'the request, the result after. KIND is deployment (deploy) or statefulset (sts); -n defaults',
    "to the context's namespace, else default. delete pod sends what `kubectl delete pod` sends (its",
    'controller starts another). scale and delete ask for the name typed on a terminal, and',
    'without one are refused unless --yes. --dry-run sends it as a server dry run',
    '(`--dry-run=server`): the API validates and answers, stores nothing; no confirmation is asked.',
    '',
    'Exit status: 0 done, 1 the API said no or could not be reached, 2 usage.',
  ],
  options: {
    namespace: { type: 'string', short: 'n' },
    context: { type: 'string' },
    replicas: { type: 'string' },
    incident: { type: 'string' },
    yes: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    const [verb, ref, ...extra] = positionals;
    if (verb === 'delete') return deletePod(ref, extra, values, globals);
    const target = parseWorkloadRef(ref ?? '');
    if ((verb !== 'restart' && verb !== 'scale') || !target || extra.length > 0)
      throw new UserError(
        `opsconsole workload: usage: ${USAGE}${ref && !target ? `\n  "${sanitize(ref)}" is not deployment/NAME or statefulset/NAME` : ''}`,
      );
    const replicasText = values.replicas;
    const replicas =
      typeof replicasText === 'string' && /^\d{1,6}$/.test(replicasText) ? Number(replicasText) : undefined;
    if (verb === 'scale' && replicas === undefined)
      throw new UserError(
        `opsconsole workload scale: --replicas: expected a whole number of replicas${replicasText === undefined ? '' : `; got "${sanitize(String(replicasText))}"`}`,
      );
    if (verb === 'restart' && replicasText !== undefined)
      throw new UserError('opsconsole workload restart: --replicas goes with scale');
    const { context, namespace, where } = await placeOf(values);
    const refText = `${target.kind}/${target.name}`;
    const dryRun = values['dry-run'] === true;
    if (verb === 'scale' && !dryRun)
      await confirmByName(
        `scale ${refText} in ${where} to ${replicas} replicas`,
        target.name,
        values.yes,
        'workload',
      );
    return runJournaledAction(await loadedConfig(globals.config), values.incident, {
      step: verb === 'restart' ? `restart ${refText}` : `scale ${refText} to ${replicas}`,
      host: where,
      ...kubectlArgv(
        verb === 'restart'
          ? ['kubectl', 'rollout', 'restart', refText, '-n', namespace]
          : ['kubectl', 'scale', refText, `--replicas=${replicas}`, '-n', namespace],
        dryRun,
      ),
      target: kubernetesTarget({ ...(context && { context }) }),
    });
  },
};

type Values = Parameters<Command['run']>[0]['values'];

/** `delete pod/NAME`: typed confirmation (or --yes), then what `kubectl delete pod` sends. */
async function deletePod(
  ref: string | undefined,
  extra: string[],
  values: Values,
  globals: { config?: string },
): Promise<number> {
  const name = podRef(ref ?? '');
  if (!name || extra.length > 0 || values.replicas !== undefined)
    throw new UserError(
      `opsconsole workload: usage: ${USAGE}${ref && !name ? `\n  "${sanitize(ref)}" is not pod/NAME` : ''}`,
    );
  const { context, namespace, where } = await placeOf(values);
  const dryRun = values['dry-run'] === true;
  if (!dryRun) await confirmByName(`delete pod/${name} in ${where}`, name, values.yes, 'workload');
  return runJournaledAction(await loadedConfig(globals.config), values.incident, {
    step: `delete pod/${name}`,
    host: where,
    ...kubectlArgv(['kubectl', 'delete', 'pod', name, '-n', namespace], dryRun),
    target: kubernetesTarget({ ...(context && { context }) }),
  });
}

/** The argv as kubectl takes it, `--dry-run=server` last for a server dry run, journaled as one. */
function kubectlArgv(argv: string[], dryRun: boolean): { argv: string[]; dryRun?: boolean } {
  return dryRun ? { argv: [...argv, '--dry-run=server'], dryRun: true } : { argv };
}

/** The context and namespace asked for (-n, else the context's), and how the journal names them. */
async function placeOf(values: Values) {
  const context = typeof values.context === 'string' && values.context !== '' ? values.context : undefined;
  const fromContext = await contextNamespace(context);
  const namespace = typeof values.namespace === 'string' ? values.namespace : fromContext;
  return { context, namespace, where: `${context ? `${context}/` : ''}${namespace}` };
}

/** The configuration, for the state directory the journal is in; none is fine. */
async function loadedConfig(path: string | undefined) {
  const { configOrDiscovery } = await import('./configOrDiscovery');
  return configOrDiscovery(path).catch(() => ({ config: { environments: {} } }) as never);
}

/** The namespace of the kubeconfig's context, as kubectl defaults to it; else `default`. */
async function contextNamespace(context: string | undefined): Promise<string> {
  process.noDeprecation = true;
  const k8s = await import('@kubernetes/client-node');
  const { loadKubeConfig, KubernetesTargetError } = await import('../sources/kubernetesApi');
  const { kubeconfigPath } = await import('../sources/kubernetesSource');
  const path = kubeconfigPath();
  // The kubeconfig is this side's: read before anything is asked or sent, and a usage error if wrong.
  if (!existsSync(path))
    throw new UserError(
      `opsconsole workload: no kubeconfig at ${path}\n  fix: set KUBECONFIG to the cluster's kubeconfig (as for kubectl)`,
    );
  try {
    const kc = loadKubeConfig(k8s, path, context);
    return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  } catch (err) {
    if (err instanceof KubernetesTargetError)
      throw new UserError(
        `opsconsole workload: ${err.message.split('\n')[0]?.slice(0, 300)}\n  fix: point KUBECONFIG at the kubeconfig kubectl uses${context ? `, or name one of its contexts with --context` : ''}`,
      );
    throw err;
  }
}
