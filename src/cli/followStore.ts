import type { LogRecord } from '../logs/logRecord';
import { LogStoreClient } from '../logstore/logStoreClient';
import { logStoreThreadScript } from '../projectRoot';
import { UserError } from '../userError';
import type { ParsedCommand } from './commands';
import { logStoreSettings } from './logStoreSettings';
import { stderr } from './output';
import { environmentOf } from './storedLogs';

/** `logs --follow --store`: every line followed also goes to the environment's log store. */
export interface FollowStore {
  add(record: LogRecord): void;
  /** Hands what is pending to the writer, waits for it, and says what was kept. */
  close(): Promise<void>;
}

const BATCH = 1000;

export async function openFollowStore(
  values: ParsedCommand['values'],
  config: string | undefined,
): Promise<FollowStore> {
  if (!values.follow)
    throw new UserError('opsconsole: logs: --store keeps what is followed; it goes with --follow');
  const { findConfig, loadConfigFile } = await import('../config/load');
  const { stateDirFor } = await import('../config/paths');
  const path = findConfig(config);
  const loaded = path ? loadConfigFile(path) : undefined;
  const stateDir = stateDirFor(loaded);
  // Without a config the console watches what it finds as the environment "local": so does this.
  const environment =
    loaded || typeof values.env === 'string' ? environmentOf(values.env, loaded?.config, stateDir) : 'local';
  const settings = logStoreSettings(
    values,
    loaded?.config.environments[environment] ?? {},
    stateDir,
    environment,
  );
  if (!settings) throw new UserError(`opsconsole: logs: --store: the log store of ${environment} is off`);
  const client = new LogStoreClient({
    path: settings.path,
    workerScript: logStoreThreadScript(),
    limits: { budgetBytes: settings.budgetBytes },
    onProblem: (message) => stderr.line(`opsconsole: logs: ${message}`),
  });
  let pending: LogRecord[] = [];
  const hand = () => {
    client.append(pending);
    pending = [];
  };
  // Lines come one at a time; the writer takes them in batches, and at least once a second.
  const timer = setInterval(hand, 1000);
  return {
    add(record) {
      pending.push(record);
      if (pending.length >= BATCH) hand();
    },
    async close() {
      clearInterval(timer);
      hand();
      await client.close();
      const c = client.snapshot();
      const dropped = Object.entries(c.dropped).filter(([, n]) => n > 0);
      stderr.line(
        `opsconsole: logs: stored ${c.stored} of ${c.received} lines in ${settings.path}${dropped.length > 0 ? `; not stored: ${dropped.map(([why, n]) => `${n} (${why})`).join(', ')}` : ''}`,
      );
    },
  };
}
