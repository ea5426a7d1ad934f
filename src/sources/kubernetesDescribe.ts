import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesEngine } from '../model/containerDetail';
import { sanitize } from '../text/sanitize';
import { getObject, listObjects, loadKubeConfig } from './kubernetesApi';
import { podLogOpener } from './kubernetesLogs';
import { kubeconfigPath } from './kubernetesSource';
import type { ClusterTarget } from './kubernetesWorkloadActions';
import type { EventLike } from './mappings/clusterEvent';
import { type PodDetailLike, podDetail } from './mappings/podDetail';
import { WORKLOAD_RESOURCES } from './mappings/workload';
import { type WorkloadDetailLike, workloadDetail } from './mappings/workloadDetail';

/** What one `l` may read of a container's log: its last lines, at most this many bytes per run. */
const LOG_BYTES = 2 * 1024 * 1024;

export type KubernetesDescriber = Omit<KubernetesEngine, 'target'>;

const path = (ns: string, rest: string) => `/namespaces/${encodeURIComponent(ns)}/${rest}`;

/** The events about one object, as `kubectl describe` asks for them (a field selector on it). */
function eventsAbout(kc: KubeConfig, ns: string, kind: string, name: string): Promise<EventLike[]> {
  return listObjects<EventLike>(kc, `/api/v1${path(ns, 'events')}`, {
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
    limit: '500',
  }).then((l) => l.items);
}

/** A whole log answer, at most `LOG_BYTES` of it (the rest is dropped and said), as lines. */
async function logLines(res: IncomingMessage): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  for await (const chunk of res) {
    if (size + (chunk as Buffer).length > LOG_BYTES) {
      cut = true;
      res.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return [...lines.map((l) => sanitize(l)), ...(cut ? [`… cut at ${LOG_BYTES / 1024 / 1024} MiB`] : [])];
}

/** The cluster of a kubeconfig (as kubectl reads it), loaded on first use. */
export function kubernetesDescriber(cluster: ClusterTarget): KubernetesDescriber {
  const config = async () => {
    process.noDeprecation = true;
    const k8s = await import('@kubernetes/client-node');
    const kc = loadKubeConfig(k8s, cluster.kubeconfig ?? kubeconfigPath(), cluster.context);
    return { kc, name: kc.getCurrentContext() || 'kubernetes' };
  };
  return {
    async pod(namespace, name) {
      const { kc, name: clusterName } = await config();
      const [pod, events] = await Promise.all([
        getObject<PodDetailLike>(kc, `/api/v1${path(namespace, `pods/${encodeURIComponent(name)}`)}`, 'Pod'),
        eventsAbout(kc, namespace, 'Pod', name),
      ]);
      return podDetail(clusterName, pod, events);
    },
    async workload(kind, namespace, name) {
      const { kc, name: clusterName } = await config();
      const plural = WORKLOAD_RESOURCES.find(([k]) => k === kind)?.[1] ?? 'deployments';
      const [o, events] = await Promise.all([
        getObject<WorkloadDetailLike>(
          kc,
          `/apis/apps/v1${path(namespace, `${plural}/${encodeURIComponent(name)}`)}`,
          kind,
        ),
        eventsAbout(kc, namespace, kind, name),
      ]);
      return workloadDetail(clusterName, kind, o, events);
    },
    async podLogs(namespace, name, tail) {
      const { kc } = await config();
      const pod = await getObject<PodDetailLike>(
        kc,
        `/api/v1${path(namespace, `pods/${encodeURIComponent(name)}`)}`,
        'Pod',
      );
      const open = podLogOpener(kc);
      const signal = AbortSignal.timeout(30_000);
      const out: string[] = [];
      const containers = pod.spec?.containers ?? [];
      for (const c of containers) {
        const container = c.name ?? '';
        const status = pod.status?.containerStatuses?.find((s) => s.name === container);
        const at = { namespace, pod: name, container };
        const query = { tailLines: String(tail) };
        const heading = (what: string) =>
          containers.length > 1 || what ? [`── ${container}${what} ──`] : [];
        if ((status?.restartCount ?? 0) > 0) {
          const last = status?.lastState?.terminated;
          const how = [last?.reason, last?.exitCode !== undefined && `exit ${last.exitCode}`]
            .filter(Boolean)
            .join(', ');
          const previous = await open(at, { ...query, previous: 'true' }, signal).then(
            logLines,
            (err: Error) => [
              `(its previous instance's logs could not be read: ${sanitize(err.message).slice(0, 200)})`,
            ],
          );
          out.push(...heading(`: its previous instance${how ? ` (${how})` : ''}`), ...previous);
          out.push(...heading(': now'));
        } else out.push(...heading(''));
        out.push(...(await open(at, query, signal).then(logLines)));
      }
      return out;
    },
  };
}
