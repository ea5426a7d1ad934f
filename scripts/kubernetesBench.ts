// Bundled by bench.mjs: the FAKE Kubernetes API server of the tests, filled with a large cluster, for
// the console to watch (see README "Kubernetes" for why a fake).
import { FakeKubernetesApi, workload } from '../test/helpers/fakeKubernetesApi';

/** Starts the fake with `pods` pods in `namespaces` namespaces (10 pods a workload); returns its URL. */
export async function largeCluster(
  pods: number,
  namespaces: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const api = new FakeKubernetesApi();
  await api.start();
  const perWorkload = 10;
  for (let w = 0; w * perWorkload < pods; w++)
    workload(api, {
      namespace: `ns-${w % namespaces}`,
      name: `svc-${w}`,
      image: `registry/svc-${w}:v1.0.${w % 7}`,
      revision: 1,
      replicas: Math.min(perWorkload, pods - w * perWorkload),
      ...(w % 25 === 3 && { podState: 'crashloop' as const, restarts: 12 }),
    });
  return { url: api.url, stop: () => api.stop() };
}
