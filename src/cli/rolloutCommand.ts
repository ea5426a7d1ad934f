import { existsSync } from 'node:fs';
import { KubernetesAnswerError, KubernetesTargetError, revisionNumber } from '../sources/kubernetesApi';
import { describePlan, type RollbackPlan, rollbackDeployment } from '../sources/kubernetesRollback';
import { kubeconfigPath } from '../sources/kubernetesSource';
import { imageVersion } from '../sources/mappings/imageReference';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stdout } from './output';

/** `deployment/NAME` or `NAME`, as kubectl takes it; other kinds are not rolled back this way. */
function deploymentName(arg: string | undefined): string {
  const m = /^(?:(?:deployment|deployments|deploy)(?:\.apps)?\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(
    arg ?? '',
  );
  if (!m)
    throw new UserError(
      `opsconsole rollout undo: expected deployment/NAME; got "${sanitize(arg ?? '')}"\n  fix: opsconsole rollout undo deployment/api --namespace shop`,
    );
  return m[1] as string;
}

/**
 * Why the rollback did not happen, blaming who is to blame: a refusal of the API server (its HTTP
 * status and message), an answer that could not be used, the cluster out of reach, or a mistake on
 * this side (the kubeconfig, a name), which is a usage error.
 */
function rollbackFailure(err: unknown): UserError {
  if (err instanceof UserError) return err;
  const prefix = 'opsconsole rollout undo';
  if (err instanceof KubernetesTargetError) return new UserError(`${prefix}: ${err.message}`);
  if (err instanceof KubernetesAnswerError) return new UserError(`${prefix}: ${err.message}`, 1);
  const e = err as { code?: unknown; body?: unknown; message?: string };
  if (typeof e.code === 'number') {
    // The client's ApiException: the server answered the PATCH with a status.
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
    const message = /"message":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? '';
    return new UserError(
      `${prefix}: the Kubernetes API said no (HTTP ${e.code})${message ? `: ${sanitize(message).slice(0, 300)}` : ''}`,
      1,
    );
  }
  const why = sanitize(String(e.message ?? err)).slice(0, 300);
  if (typeof e.code === 'string')
    return new UserError(`${prefix}: could not reach the Kubernetes API (${sanitize(e.code)}): ${why}`, 1);
  return new UserError(`${prefix}: failed here, before the Kubernetes API answered: ${why}`, 1);
}

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'Roll a Kubernetes Deployment back to its previous revision, as kubectl rollout undo.',
  usage:
    'opsconsole rollout undo deployment/NAME [--namespace NS] [--context NAME] [--to-revision N] [--plan | --dry-run=server] [--expect TAG]',
  details: [
    "Computes the target as `kubectl rollout undo` does (the previous revision's ReplicaSet; a paused",
    'deployment is refused; nothing is done when the template already matches), prints the change',
    '(revision and image, from → to), then applies it as a JSON patch.',
    '  --plan              print the change and stop',
    '  --dry-run=server    have the API server validate the patch (dryRun=All) without storing it',
    '  --expect TAG        refuse unless the target runs this image tag (what the operator confirmed)',
    '  --to-revision N     roll back to revision N instead of the previous one',
    '',
    'Exit status: 0 rolled back (or nothing to do), 1 refused or the API said no, 2 usage errors.',
  ],
  options: {
    namespace: { type: 'string', short: 'n' },
    context: { type: 'string' },
    'to-revision': { type: 'string' },
    plan: { type: 'boolean' },
    'dry-run': { type: 'string' },
    expect: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }) {
    const [verb, target] = positionals;
    if (verb !== 'undo' || positionals.length !== 2)
      throw new UserError(
        'opsconsole rollout: usage: opsconsole rollout undo deployment/NAME [--namespace NS] (see --help)',
      );
    const dryRun = values['dry-run'];
    if (dryRun !== undefined && dryRun !== 'server')
      throw new UserError(
        `opsconsole rollout undo: --dry-run takes "server"; got "${sanitize(String(dryRun))}"`,
      );
    const revisionText = values['to-revision'];
    const toRevision = typeof revisionText === 'string' ? revisionNumber(revisionText) : undefined;
    if (revisionText !== undefined && toRevision === undefined)
      throw new UserError(
        `opsconsole rollout undo: --to-revision: expected a revision number; got "${sanitize(String(revisionText))}"`,
      );
    const name = deploymentName(target);
    const kubeconfig = kubeconfigPath();
    if (!existsSync(kubeconfig))
      throw new UserError(
        `opsconsole rollout undo: no kubeconfig at ${kubeconfig}\n  fix: set KUBECONFIG to the cluster's kubeconfig (as for kubectl)`,
      );
    const context = typeof values.context === 'string' && values.context !== '' ? values.context : undefined;
    const mode = values.plan ? 'plan' : dryRun ? 'server-dry-run' : 'apply';
    const expect = typeof values.expect === 'string' && values.expect !== '' ? values.expect : undefined;
    // With --expect the target must run the tag the operator confirmed, or nothing is sent.
    const confirmed = (plan: Extract<RollbackPlan, { action: 'rollback' }>) => {
      if (!expect) return;
      const tags = plan.to.images.map((i) => imageVersion(i.slice(i.indexOf('=') + 1)));
      if (!tags.includes(expect))
        throw new UserError(
          `${describePlan(plan)}\nopsconsole rollout undo: refused: revision ${plan.to.revision} runs ${plan.to.images.join(', ')}, not ${sanitize(expect)} as confirmed; nothing was changed`,
          1,
        );
    };
    let plan: RollbackPlan;
    try {
      plan = await rollbackDeployment(
        {
          namespace: typeof values.namespace === 'string' ? values.namespace : 'default',
          name,
          ...(context && { context }),
          ...(toRevision && { toRevision }),
        },
        mode,
        confirmed,
      );
    } catch (err) {
      throw rollbackFailure(err);
    }
    const said = describePlan(plan);
    if (plan.action === 'refuse') throw new UserError(`opsconsole rollout undo: refused: ${said}`, 1);
    const outcome =
      plan.action === 'nothing'
        ? ''
        : mode === 'plan'
          ? '\n(plan only: nothing was sent)'
          : mode === 'server-dry-run'
            ? '\nserver dry run: the API server accepted the patch (dryRun=All); nothing was changed'
            : `\nrolled back: ${plan.deployment} now has the template of revision ${plan.to.revision}; the controller rolls the pods over`;
    stdout.write(`${said}${outcome}\n`);
    return 0;
  },
};
