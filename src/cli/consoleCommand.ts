import { stateDirFor } from '../config/paths';
import type { Environment } from '../config/schema';
import { configSecrets } from '../config/secrets';
import { loadPlaybookDirs } from '../playbooks/loadPlaybook';
import { launcherPath } from '../projectRoot';
import type { ConsoleSessionOptions } from '../session/consoleSession';
import { CONSOLE_LOCK_WAIT_MS } from '../session/consoleSession';
import type { TriageEnvironment } from '../session/triageSession';
import { AlertmanagerClient } from '../sources/alertmanagerClient';
import { startEnvironmentSources } from '../sources/environmentSources';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { localTarget } from '../transport/localCommand';
import { UserError } from '../userError';
import { playbookDirsFor } from './checkCommand';
import type { Command, ParsedCommand } from './commands';
import { containerEngines } from './containerEngines';
import { WATCH_OPTIONS, watchedEnvironment } from './environment';
import { openIncidentStore } from './incidentStores';
import { runConsoleSession } from './loadConsoleSession';
import { logStoreSettings, STORE_OPTION_DOCS, STORE_OPTIONS } from './logStoreSettings';
import { notifyTargets, updateIntervals } from './notifyTargets';

function configTriageEnvironment(
  env: Environment,
  hosts: () => EnvironmentHosts | undefined,
): TriageEnvironment {
  return {
    variantOf: (service) => env.services[service]?.deploy?.kind,
    hostOf: (service) => env.services[service]?.host ?? 'local',
    valuesOf: (service) => env.services[service]?.deploy?.params ?? {},
    targetFor: (host) => {
      if (!env.hosts[host] && host !== 'local')
        throw new UserError(`no host "${host}" in this environment`, 1);
      return hosts()?.commandTarget(host) ?? localTarget;
    },
    opsconsolePath: launcherPath(),
  };
}

export const consoleCommand: Command = {
  name: 'console',
  summary: 'Open the incident console on the configured environment.',
  usage:
    'opsconsole [--config PATH] [--env NAME] [--docker SOCKET|ssh://USER@HOST] [--prometheus URL] [--context NAME] [--namespace NS]',
  details: [
    '  --env NAME      environment to watch (default: defaultEnvironment, or the only one)',
    '  --docker WHERE  look at one Docker engine (a socket, or ssh://user@host) without a config;',
    '                  with no config at all, the local engine is watched if it answers',
    '  --prometheus URL the services a Prometheus knows (request counters with a code label)',
    '  --context NAME, --namespace NS  the Kubernetes context and namespace to watch (kubeconfig as',
    '                  kubectl reads it; with no config at all, its current context is watched)',
    ...STORE_OPTION_DOCS,
  ],
  options: { ...WATCH_OPTIONS, ...STORE_OPTIONS },
  allowPositionals: false,
  async run({ values }, globals) {
    return runConsoleSession(await consoleSessionOptions(values, globals));
  },
};

/**
 * Everything a console over the chosen environment needs, from the config (or what discovery
 * finds) and the flags: the console and `serve` start the same session.
 */
export async function consoleSessionOptions(
  values: ParsedCommand['values'],
  globals: { config?: string },
): Promise<Omit<ConsoleSessionOptions, 'exit'>> {
  const { loaded, name, env } = await watchedEnvironment(values, globals.config);
  let hosts: EnvironmentHosts | undefined;
  const stateDir = stateDirFor(loaded);
  const logStore = logStoreSettings(values, env, stateDir, name);
  return {
    ...(logStore && { logStore }),
    expected: {
      containers: Object.values(env.hosts).some((h) => h.docker || h.statusCommands.length > 0),
      services: Object.fromEntries(
        Object.entries(env.services).map(([name, s]) => [
          name,
          [
            ...(s.metrics ? ['metrics'] : []),
            ...(s.health.length > 0 ? ['health checks'] : []),
            ...(s.logs.length > 0 ? ['request logs'] : []),
          ],
        ]),
      ),
    },
    environment: name,
    thresholds: loaded.config.thresholds,
    stateDir,
    ...(env.store && {
      incidents: openIncidentStore(stateDir, env.store, { lockWaitMs: CONSOLE_LOCK_WAIT_MS }),
    }),
    secrets: configSecrets(loaded.config),
    playbooks: loadPlaybookDirs(playbookDirsFor(loaded.path, loaded.config.playbookDirs)),
    triageEnvironment: configTriageEnvironment(env, () => hosts),
    containers: containerEngines(env, () => hosts),
    notify: notifyTargets(env),
    updateEvery: updateIntervals(env.updateEvery),
    ...(env.alertmanager && {
      alertmanager: {
        api: AlertmanagerClient.configured(env.alertmanager),
        ...(env.alertmanager.severities && { severities: env.alertmanager.severities }),
      },
    }),
    startSources: async (sink) => {
      hosts = new EnvironmentHosts(env, sink);
      return startEnvironmentSources(env, sink, hosts);
    },
  };
}
