import { existsSync } from 'node:fs';
import { configCandidates, findConfig, type LoadedConfig, loadConfigFile } from '../config/load';
import { ConfigSchema, DEFAULT_MAX_LOG_STREAMS } from '../config/schema';
import { localDockerSocket, probeDocker } from '../sources/dockerProbe';
import { kubeconfigPath } from '../sources/kubernetesSource';
import { discoverPrometheusServices } from '../sources/prometheusDiscovery';
import { UserError } from '../userError';
import { alertingFromPrometheus } from './alertingDiscovery';
import { reachFix } from './reachFix';

/** `--docker`: a socket path on this machine, or ssh://user@host[:port] for a remote engine. */
function dockerHostFromFlag(flag: string): Record<string, unknown> {
  const ssh = /^ssh:\/\/(.+)$/.exec(flag);
  const common = { docker: true, followContainerLogs: true };
  if (ssh) return { ...common, ssh: ssh[1] };
  return { ...common, dockerSocket: flag.replace(/^unix:\/\//, '') };
}

function discovered(
  path: string,
  host: Record<string, unknown>,
  services: Record<string, unknown> = {},
  alerting: Record<string, unknown> = {},
): LoadedConfig {
  const parsed = ConfigSchema.safeParse({
    environments: { local: { hosts: { local: host }, services, ...alerting } },
  });
  if (!parsed.success)
    throw new UserError(
      `opsconsole: --docker: ${parsed.error.issues[0]?.message ?? 'not a Docker host'}.\n  fix: --docker /var/run/docker.sock or --docker ssh://user@host[:port]`,
    );
  return { path, config: parsed.data };
}

/** `--prometheus URL`: every service its request counters name, with ratios and p95 from it. */
async function prometheusConfig(url: string, dockerFlag: string | undefined): Promise<LoadedConfig> {
  let services: Awaited<ReturnType<typeof discoverPrometheusServices>>;
  try {
    services = await discoverPrometheusServices(url);
  } catch (err) {
    throw new UserError(
      `opsconsole: --prometheus ${url}: ${(err as Error).message}\n${reachFix(err, 'Prometheus', 'the base URL, e.g. --prometheus http://prometheus:9090')}`,
    );
  }
  if (services.length === 0)
    throw new UserError(
      `opsconsole: --prometheus ${url}: no request counters (*_requests_total with a code label) found.\n  fix: configure the services by hand (README "Configuration").`,
    );
  return discovered(
    `(--prometheus ${url})`,
    dockerFlag ? dockerHostFromFlag(dockerFlag) : {},
    Object.fromEntries(
      services.map((s) => [s.name, { metrics: { prometheus: url, metric: s.metric, selector: s.selector } }]),
    ),
    await alertingFromPrometheus(url),
  );
}

/**
 * The configuration to run with: `--docker` for a quick look at one engine; else the file the user
 * named or the first one found; else, with none at all, what this machine has (its Docker engine,
 * every container and its logs). When there is nothing to watch, one message says what was looked
 * for and how to configure.
 */
export async function configOrDiscovery(
  explicit: string | undefined,
  flags: { docker?: string; prometheus?: string } = {},
): Promise<LoadedConfig> {
  const { docker: dockerFlag, prometheus } = flags;
  if (prometheus) return prometheusConfig(prometheus, dockerFlag);
  if (dockerFlag) return discovered(`(--docker ${dockerFlag})`, dockerHostFromFlag(dockerFlag));
  const path = findConfig(explicit);
  if (path) return loadConfigFile(path);
  const socket = localDockerSocket();
  const probe = await probeDocker(socket);
  const kubeconfig = kubeconfigPath();
  const cluster = existsSync(kubeconfig);
  if (probe.ok || cluster) {
    const found = [
      probe.ok && `the Docker engine at ${socket}`,
      cluster && `the current context of ${kubeconfig}`,
    ];
    return discovered(
      `(no configuration: ${found.filter(Boolean).join(' and ')})`,
      probe.ok ? dockerHostFromFlag(socket) : {},
      {},
      cluster ? { kubernetes: { kubeconfig, logs: true, maxLogStreams: DEFAULT_MAX_LOG_STREAMS } } : {},
    );
  }
  throw new UserError(
    [
      'opsconsole: nothing to watch: no configuration, and no Docker engine here.',
      `  looked for a configuration in: ${configCandidates().join(', ')}`,
      `  looked for a Docker engine at ${socket}: ${probe.reason}`,
      `  looked for a kubeconfig at ${kubeconfig}: none`,
      '  fix: `opsconsole init` writes a configuration from what it can see; `--docker ssh://user@host`',
      '       looks at a remote engine; see README "Configuration"; or try `opsconsole demo`.',
    ].join('\n'),
  );
}
