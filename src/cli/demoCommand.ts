import { Client } from 'undici';
import { findConfig, loadConfigFile } from '../config/load';
import { stateDirFor } from '../config/paths';
import { DEFAULT_THRESHOLDS } from '../config/schema';
import { configSecrets } from '../config/secrets';
import { demoEngines } from '../demo/demoEngines';
import { DemoFleet, demoControlSocket } from '../demo/fleet';
import { loadPlaybookDirs } from '../playbooks/loadPlaybook';
import { launcherPath } from '../projectRoot';
import type { TriageEnvironment } from '../session/triageSession';
import { parseDuration } from '../text/duration';
import { UserError } from '../userError';
import { playbookDirsFor } from './checkCommand';
import type { Command } from './commands';
import { runConsoleSession } from './loadConsoleSession';
import { logStoreSettings, STORE_OPTION_DOCS, STORE_OPTIONS } from './logStoreSettings';
import { stdout } from './output';

function demoSettings(configFlag: string | undefined) {
  const path = findConfig(configFlag);
  const loaded = path ? loadConfigFile(path) : undefined;
  return {
    stateDir: stateDirFor(loaded),
    thresholds: loaded?.config.thresholds ?? DEFAULT_THRESHOLDS,
    secrets: configSecrets(loaded?.config),
    playbooks: loadPlaybookDirs(playbookDirsFor(path, loaded?.config.playbookDirs ?? [])),
  };
}

/** Every demo service runs here and rolls back with `opsconsole demo rollback`. */
const demoTriageEnvironment: TriageEnvironment = {
  variantOf: () => 'demo',
  hostOf: () => 'local',
  valuesOf: () => ({}),
  targetFor: (host) => {
    throw new UserError(`the demo has no host "${host}"`, 1);
  },
  opsconsolePath: launcherPath(),
};

async function rollback(stateDir: string, service: string): Promise<number> {
  const socketPath = demoControlSocket(stateDir);
  const client = new Client('http://demo', { socketPath });
  try {
    const res = await client.request({
      method: 'POST',
      path: `/rollback?service=${encodeURIComponent(service)}`,
    });
    const body = (await res.body.json()) as { from?: string; to?: string; error?: string };
    if (res.statusCode !== 200) throw new UserError(`opsconsole: demo rollback refused: ${body.error}`, 1);
    stdout.line(`${service}: rolled back ${body.from} -> ${body.to}`);
    return 0;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `opsconsole: no running demo to talk to at ${socketPath} (${(err as Error).message}).\n  fix: start \`opsconsole demo\` first, with the same OPSCONSOLE_STATE_DIR.`,
      1,
    );
  } finally {
    await client.close();
  }
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start a sandbox fleet (gateway -> api -> worker) on loopback and open the console on it.',
  usage: 'opsconsole demo [--deploy-after DURATION] [--rps N]\n       opsconsole demo rollback SERVICE',
  details: [
    'The fleet is real child processes with /health and /metrics and JSON logs. After a while the',
    'api gets a bad release (v1.5.0) whose 5xx ratio crosses the 5% line; roll it back from another',
    'terminal with `opsconsole demo rollback api`. Everything started is stopped on exit.',
    '',
    '  --deploy-after DURATION   when the bad release goes out (default 20s; "never" to skip)',
    '  --rps N                   requests per second into the gateway (default 20)',
    '  --log-flood N             an extra process writing N log lines a second (for benchmarks)',
    ...STORE_OPTION_DOCS,
  ],
  options: {
    'deploy-after': { type: 'string' },
    rps: { type: 'string' },
    'log-flood': { type: 'string' },
    ...STORE_OPTIONS,
  },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    const settings = demoSettings(globals.config);
    const [sub, service, ...extra] = positionals;
    if (sub === 'rollback') {
      if (!service || extra.length > 0)
        throw new UserError('opsconsole: usage: opsconsole demo rollback SERVICE');
      return rollback(settings.stateDir, service);
    }
    if (sub !== undefined)
      throw new UserError(`opsconsole: unknown demo subcommand "${sub}"; see opsconsole demo --help`);
    const after = String(values['deploy-after'] ?? '20s');
    const deployAfterMs = after === 'never' ? -1 : parseDuration(after);
    if (deployAfterMs === undefined) {
      throw new UserError(
        `opsconsole: --deploy-after: expected a duration such as 20s or 2m, or "never"; got "${after}"`,
      );
    }
    const rps = Number(values.rps ?? 20);
    if (!Number.isFinite(rps) || rps <= 0 || rps > 500) {
      throw new UserError(`opsconsole: --rps: expected a number from 1 to 500; got "${values.rps}"`);
    }
    const logStore = logStoreSettings(values, {}, settings.stateDir, 'demo');
    let fleet: DemoFleet | undefined;
    return runConsoleSession({
      containers: demoEngines(() => fleet),
      ...(logStore && { logStore }),
      environment: 'demo',
      thresholds: settings.thresholds,
      stateDir: settings.stateDir,
      secrets: settings.secrets,
      playbooks: settings.playbooks,
      triageEnvironment: demoTriageEnvironment,
      startSources: async (sink) => {
        const flood = Number(values['log-flood'] ?? 0);
        fleet = new DemoFleet({
          logFloodPerSecond: Number.isFinite(flood) && flood > 0 ? flood : 0,
          sink,
          stateDir: settings.stateDir,
          badDeployAfterMs: deployAfterMs,
          requestsPerSecond: rps,
        });
        await fleet.start();
        return fleet;
      },
    });
  },
};
