import { sanitize } from '../text/sanitize';
import {
  getObject,
  isDns1123Label,
  isDns1123Subdomain,
  KubernetesTargetError,
  listObjects,
  loadKubeConfig,
  revisionNumber,
} from './kubernetesApi';
import { kubeconfigPath } from './kubernetesSource';

/**
 * Annotations a rollback keeps from the Deployment rather than copying from the ReplicaSet: the
 * controller's bookkeeping and kubectl's own (the list `kubectl rollout undo` skips).
 */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

interface Template {
  metadata?: { labels?: Record<string, string>; [k: string]: unknown };
  spec?: { containers?: { name?: string; image?: string }[]; [k: string]: unknown };
  [k: string]: unknown;
}

export interface DeploymentLike {
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  spec?: { paused?: boolean; template?: Template };
}

export interface ReplicaSetOf {
  metadata?: {
    name?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; controller?: boolean }[];
  };
  spec?: { template?: Template };
}

export type RollbackPlan =
  | {
      action: 'rollback';
      deployment: string;
      from: { revision: number; images: string[] };
      to: { revision: number; images: string[]; replicaSet: string };
      /** The JSON patch (RFC 6902) kubectl sends: the old template, the old ReplicaSet's annotations. */
      patch: { op: 'replace'; path: string; value: unknown }[];
    }
  | { action: 'refuse'; deployment: string; reason: string }
  | { action: 'nothing'; deployment: string; reason: string };

/** The object's revision, or NaN when its annotation is not a canonical one (see revisionNumber). */
const revisionOf = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  revisionNumber(o.metadata?.annotations?.['deployment.kubernetes.io/revision']) ?? Number.NaN;

/** The template without the label the controller adds, as the ReplicaSet's and the Deployment's compare. */
function withoutHash(t: Template | undefined): Template {
  const copy = JSON.parse(JSON.stringify(t ?? {})) as Template;
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

/** Object keys in order, so two templates compare by content, not by the order a server wrote them. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const imagesOf = (t: Template | undefined) =>
  (t?.spec?.containers ?? []).map((c) => sanitize(`${c.name ?? '?'}=${c.image ?? '?'}`));

/**
 * What `kubectl rollout undo` would do, computed the way it does: refuse a paused Deployment; among
 * the ReplicaSets it controls, the previous revision (or `toRevision`) is the target; when that
 * template is already the Deployment's there is nothing to do; otherwise the patch puts it back.
 */
export function rollbackPlan(
  deployment: DeploymentLike,
  replicaSets: readonly ReplicaSetOf[],
  toRevision?: number,
): RollbackPlan {
  const name = `deployment/${sanitize(deployment.metadata?.name ?? '?')}`;
  if (deployment.spec?.paused)
    return {
      action: 'refuse',
      deployment: name,
      reason: `${name} is paused; a paused deployment cannot be rolled back: resume it first (kubectl rollout resume ${name})`,
    };
  const owned = replicaSets.filter((rs) =>
    rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === deployment.metadata?.uid),
  );
  const revisions = owned.map(revisionOf).filter(Number.isFinite);
  const current = Math.max(...revisions);
  const wanted = toRevision ?? Math.max(...revisions.filter((r) => r < current));
  if (!Number.isFinite(wanted))
    return {
      action: 'refuse',
      deployment: name,
      reason: `no rollout history for ${name}: it has only revision ${current}`,
    };
  const target = owned.find((rs) => revisionOf(rs) === wanted);
  if (!target)
    return {
      action: 'refuse',
      deployment: name,
      reason: `revision ${wanted} of ${name} is not in its history`,
    };
  const template = withoutHash(target.spec?.template);
  if (canonical(template) === canonical(withoutHash(deployment.spec?.template)))
    return {
      action: 'nothing',
      deployment: name,
      reason: `${name}: the current template already matches revision ${wanted}; nothing to roll back`,
    };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata?.annotations ?? {}))
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata?.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    action: 'rollback',
    deployment: name,
    from: { revision: revisionOf(deployment), images: imagesOf(deployment.spec?.template) },
    to: { revision: wanted, images: imagesOf(template), replicaSet: sanitize(target.metadata?.name ?? '?') },
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/** The plan in words: what changes, from which revision to which. */
export function describePlan(plan: RollbackPlan): string {
  if (plan.action !== 'rollback') return plan.reason;
  return [
    `${plan.deployment}: revision ${plan.from.revision} → the template of revision ${plan.to.revision} (ReplicaSet ${plan.to.replicaSet})`,
    ...plan.from.images.map((img, i) => `  image ${img} → ${plan.to.images[i] ?? '(none)'}`),
  ].join('\n');
}

export interface RollbackTarget {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  name: string;
  toRevision?: number;
}

/**
 * Reads the Deployment and its ReplicaSets, plans the rollback, lets `check` refuse it, and applies
 * it as kubectl does (a JSON patch), or has the API server validate it without storing it
 * (`dryRun=All`): one read, so what was checked is what is sent.
 */
export async function rollbackDeployment(
  target: RollbackTarget,
  mode: 'plan' | 'server-dry-run' | 'apply',
  /** Throws to refuse the computed rollback before anything is sent (what the operator confirmed). */
  check: (plan: Extract<RollbackPlan, { action: 'rollback' }>) => void = () => {},
): Promise<RollbackPlan> {
  if (!isDns1123Label(target.namespace))
    throw new KubernetesTargetError(
      `"${sanitize(target.namespace)}" is not a namespace name (lower-case letters, digits and "-", at most 63)`,
    );
  if (!isDns1123Subdomain(target.name))
    throw new KubernetesTargetError(
      `"${sanitize(target.name)}" is not a Deployment name (lower-case letters, digits, "-" and ".", at most 253)`,
    );
  process.noDeprecation = true;
  const k8s = await import('@kubernetes/client-node');
  const kc = loadKubeConfig(k8s, target.kubeconfig ?? kubeconfigPath(), target.context);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const base = `/apis/apps/v1/namespaces/${target.namespace}`;
  // Read as plain JSON, bounded (kubernetesApi): what is planned is what the server holds.
  const deployment = await getObject<
    DeploymentLike & { spec?: { selector?: { matchLabels?: Record<string, string> } } }
  >(kc, `${base}/deployments/${target.name}`, 'Deployment');
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const replicaSets = await listObjects<ReplicaSetOf>(
    kc,
    `${base}/replicasets`,
    selector ? { labelSelector: selector } : {},
  );
  const plan = rollbackPlan(deployment, replicaSets.items, target.toRevision);
  if (plan.action !== 'rollback') return plan;
  check(plan);
  if (mode === 'plan') return plan;
  await apps.patchNamespacedDeployment(
    {
      name: target.name,
      namespace: target.namespace,
      body: plan.patch,
      ...(mode === 'server-dry-run' && { dryRun: 'All' }),
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  return plan;
}
