import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeKubernetesApi } from './fakeKubernetesApi';

/**
 * The FAKE API server with a kubeconfig pointing at it (context `fake`, namespace `shop`), the
 * environment for an opsconsole with no configuration and no Docker engine, and the real kubectl.
 */
export async function startFakeCluster() {
  const api = new FakeKubernetesApi();
  await api.start();
  const dir = mkdtempSync(join(tmpdir(), 'oc-k8s-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      // Plain HTTP to the fake on loopback; a real cluster is https with its CA.
      `clusters: [{ name: fake, cluster: { server: "${api.url}", insecure-skip-tls-verify: true } }]`,
      'users: [{ name: dev, user: { token: not-checked-by-the-fake } }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: dev, namespace: shop } }]',
      '',
    ].join('\n'),
  );
  return {
    api,
    dir,
    kubeconfig,
    /** No opsconsole configuration and no Docker engine: only the kubeconfig to find. */
    zeroConfig: () => ({
      cwd: dir,
      env: {
        KUBECONFIG: kubeconfig,
        XDG_CONFIG_HOME: join(dir, 'config'),
        OPSCONSOLE_STATE_DIR: join(dir, 'state'),
        DOCKER_HOST: 'unix:///nonexistent.sock',
      },
    }),
    /** The real kubectl against the fake; asynchronous, since the fake answers from this process. */
    kubectl: async (...args: string[]) =>
      (
        await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=10s', ...args], {
          encoding: 'utf8',
        })
      ).stdout,
  };
}
