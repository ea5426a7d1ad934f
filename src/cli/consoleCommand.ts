import { loadConfig, stateDirFor } from '../config/load';
import { configSecrets } from '../incident/recorder';
import { startEnvironmentSources } from '../sources/environmentSources';
import type { Command } from './commands';
import { runConsoleSession } from './consoleSession';
import { pickEnvironment } from './environment';

export const consoleCommand: Command = {
  name: 'console',
  summary: 'Open the incident console on the configured environment.',
  usage: 'opsconsole [--config PATH] [--env NAME]',
  details: ['  --env NAME      environment to watch (default: defaultEnvironment, or the only one)'],
  options: { env: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, globals) {
    const loaded = loadConfig(globals.config);
    const [name, env] = pickEnvironment(loaded, values.env as string | undefined);
    return runConsoleSession({
      environment: name,
      thresholds: loaded.config.thresholds,
      stateDir: stateDirFor(loaded),
      secrets: configSecrets(loaded.config),
      startSources: async (sink) => startEnvironmentSources(env, sink),
    });
  },
};
