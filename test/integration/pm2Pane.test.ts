import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEngines } from '../../src/cli/containerEngines';
import { EnvironmentSchema } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { startEnvironmentSources } from '../../src/sources/environmentSources';
import { containerRowsOf } from '../../src/store/paneRows';
import { EnvironmentHosts } from '../../src/transport/environmentHosts';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

/** A real pm2 (from the dev dependencies) with its own home, so its daemon is this test's alone. */
const work = mkdtempSync(join(tmpdir(), 'oc-pm2-'));
process.env.PM2_HOME = join(work, 'pm2');
process.env.PATH = `${join(process.cwd(), 'node_modules', '.bin')}${delimiter}${process.env.PATH}`;
const pm2 = (...args: string[]) => execFileSync('pm2', args, { encoding: 'utf8' });
const stateDir = join(work, 'state');
let session: ConsoleSession;

beforeAll(async () => {
  const app = join(work, 'api.js');
  writeFileSync(
    app,
    "let i = 0; setInterval(() => console.log(JSON.stringify({ level: 'info', msg: 'tick ' + ++i })), 200);\n",
  );
  pm2('start', app, '--name', 'api', '-s');
  const env = EnvironmentSchema.parse({
    hosts: { local: { statusCommands: [{ command: ['pm2', 'jlist'], mapping: 'pm2', interval: 500 }] } },
    services: {},
  });
  let hosts: EnvironmentHosts | undefined;
  session = startConsoleSession(
    bareSessionOptions('lab', stateDir, {
      containers: containerEngines(env, () => hosts),
      startSources: async (sink) => {
        hosts = new EnvironmentHosts(env, sink);
        return startEnvironmentSources(env, sink, hosts);
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await session?.stop();
  pm2('kill', '-s');
});

const state = () => session.store.getState();
const press = (...keys: string[]) => {
  for (const k of keys) session.controls.dispatch(k, k.length === 1 ? k : '');
};
const type = (text: string) => session.controls.dispatch(undefined, text);
const row = () => state().containers['local/api'];

describe('the containers pane acts on a pm2 process through its status command (a real pm2)', () => {
  it('describes it, shows its own lines, and restarts, stops and starts it as pm2 does, journaled', async () => {
    const incident = session.incident.declare('api slow', 'P3');
    await waitUntil(() => row()?.state === 'running', 20_000, 'pm2 to report api');
    press('1');
    const at = containerRowsOf(state()).findIndex(
      (r) => r.kind === 'container' && r.container.name === 'api',
    );
    for (let i = 0; i < at; i++) press('down');
    press('return');
    await waitUntil(() => state().ui.container?.described !== undefined, 5_000, 'the detail');
    expect(state().ui.container?.described).toMatchObject({
      kind: 'container',
      detail: { name: 'api', state: 'running', image: 'pm2 runs it' },
    });

    press('l');
    await waitUntil(() => state().ui.container?.logs !== undefined, 10_000, 'its lines');
    expect(state().ui.container?.logs?.some((r) => r.message === 'tick 1')).toBe(true);
    press('l');

    const restarts = row()?.restarts ?? 0;
    press('R');
    expect(state().ui.prompt?.details).toEqual(['runs: pm2 restart api -s']);
    type('api');
    press('return');
    await waitUntil(() => (row()?.restarts ?? 0) > restarts, 20_000, 'pm2 to count the restart');
    press('S');
    type('api');
    press('return');
    await waitUntil(() => row()?.state === 'stopped', 20_000, 'pm2 to say it stopped');
    press('U');
    await waitUntil(() => row()?.state === 'running', 20_000, 'pm2 to say it runs again');
    await waitUntil(
      () =>
        readJournal(new IncidentRepository(stateDir).pathOf(incident.id)).records.filter(
          (r) => r.kind === 'step.result',
        ).length === 3,
      10_000,
      'three results journaled',
    );
    const records = readJournal(new IncidentRepository(stateDir).pathOf(incident.id)).records;
    expect(
      records
        .filter((r) => r.kind === 'step.intent')
        .map((r) => (r.payload as { argv: string[] }).argv.join(' ')),
    ).toEqual(['pm2 restart api -s', 'pm2 stop api -s', 'pm2 start api -s']);
    expect(
      records
        .filter((r) => r.kind === 'step.result')
        .map((r) => (r.payload as { exitCode: number }).exitCode),
    ).toEqual([0, 0, 0]);
  }, 90_000);
});
