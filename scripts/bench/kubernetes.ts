// Kubernetes: pods in 50 namespaces on the tests' FAKE API server (no real one can run here), watched
// with no configuration: time to the first screen listing workloads, RSS and CPU at rest, beside
// `kubectl get pods -A` on the same server.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeKubernetesApi, workload } from '../../test/helpers/fakeKubernetesApi';
import { type Benchmark, benchDir } from './harness/context';
import { corePercent, fmt, mb, mib, pct, procStat } from './harness/measure';
import { keyLatencies, quit, startConsole, timeUntilScreen } from './harness/terminal';

const NAMESPACES = 50;
const PODS_PER_WORKLOAD = 10;

/** The fake filled with `pods` pods, 10 a workload, one workload in 25 crash-looping. */
async function largeCluster(pods: number): Promise<FakeKubernetesApi> {
  const api = new FakeKubernetesApi();
  await api.start();
  for (let w = 0; w * PODS_PER_WORKLOAD < pods; w++)
    workload(api, {
      namespace: `ns-${w % NAMESPACES}`,
      name: `svc-${w}`,
      image: `registry/svc-${w}:v1.0.${w % 7}`,
      revision: 1,
      replicas: Math.min(PODS_PER_WORKLOAD, pods - w * PODS_PER_WORKLOAD),
      ...(w % 25 === 3 && { podState: 'crashloop' as const, restarts: 12 }),
    });
  return api;
}

/** kubectl, asynchronously: the fake answers from this process. */
function timeKubectl(kubeconfig: string): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '--no-headers'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let lines = 0;
    child.stdout.on('data', (d) => {
      lines += String(d).split('\n').length - 1;
    });
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - t0, lines }));
  });
}

export const kubernetesBench: Benchmark = {
  name: 'kubernetes',
  // A common cluster, then a large one (issue: the first screen within 5 s at 50,000 pods); 0 skips.
  settings: { BENCH_PODS: 2000, BENCH_PODS_LARGE: 50_000 },
  async run(bench) {
    for (const pods of [bench.setting('BENCH_PODS'), bench.setting('BENCH_PODS_LARGE')])
      if (pods > 0) await benchAt(bench, pods);
  },
};

async function benchAt(bench: Parameters<Benchmark['run']>[0], pods: number): Promise<void> {
  const figure = (name: string, value: number, unit: string) =>
    bench.figure(`${name} (${pods} pods)`, value, unit);
  console.log(`\n## Kubernetes: ${pods} pods in ${NAMESPACES} namespaces (the tests' FAKE API server)\n`);
  const api = await largeCluster(pods);
  const kdir = join(benchDir, `k8s-${Date.now()}`);
  mkdirSync(kdir, { recursive: true });
  const kubeconfig = join(kdir, 'kubeconfig');
  // No namespace in the context: the console and kubectl -A both see every namespace.
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters: [{ name: fake, cluster: { server: "${api.url}", insecure-skip-tls-verify: true } }]\nusers: [{ name: dev, user: { token: x } }]\ncontexts: [{ name: fake, context: { cluster: fake, user: dev } }]\n`,
  );
  try {
    const kube = await timeKubectl(kubeconfig);
    console.log(`kubectl get pods -A: ${fmt(kube.ms)}, ${kube.lines} lines`);
    figure('kubectl get pods -A: time', kube.ms, 'ms');
    figure('kubectl get pods -A: lines', kube.lines, 'lines');
    const t0 = performance.now();
    const c = startConsole([], {
      env: {
        KUBECONFIG: kubeconfig,
        DOCKER_HOST: 'unix:///nonexistent.sock',
        OPSCONSOLE_STATE_DIR: join(kdir, 'state'),
        XDG_CONFIG_HOME: join(kdir, 'config'),
      },
    });
    try {
      // The first screen lists workloads (one row each, ready/desired), as `kubectl get pods` lists pods.
      await timeUntilScreen(c, /svc-\d+ \d+\/\d+/, 180_000);
      const first = performance.now() - t0;
      console.log(
        `console: first screen listing workloads after ${fmt(first)} (kubectl: ${(first / kube.ms).toFixed(1)}x its time); the log pane follows at most 50 pods' logs (the cap) and says so`,
      );
      figure('console: first screen listing workloads', first, 'ms');
      figure('console first screen / kubectl', first / kube.ms, 'ratio');
      await sleep(5000);
      const a = procStat(c.pid);
      await sleep(15_000);
      const b = procStat(c.pid);
      console.log(`at rest: ${corePercent(a, b, 15).toFixed(1)}% of a core, RSS ${mb(b.rss)}`);
      figure('CPU at rest', corePercent(a, b, 15), '% of a core');
      figure('RSS at rest', mib(b.rss), 'MiB');
      const lat = await keyLatencies(c, 10);
      console.log(`keypress-to-screen ('?' opens help): p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`);
      figure('keypress-to-screen p50', pct(lat, 50), 'ms');
      figure('keypress-to-screen p99', pct(lat, 99), 'ms');
    } finally {
      await quit(c);
    }
  } finally {
    await api.stop();
    rmSync(kdir, { recursive: true, force: true });
  }
}
