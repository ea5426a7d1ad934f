import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEngines } from '../../src/cli/containerEngines';
import { EnvironmentSchema } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { startEnvironmentSources } from '../../src/sources/environmentSources';
import { containerRowsOf } from '../../src/store/paneRows';
import { EnvironmentHosts } from '../../src/transport/environmentHosts';
import { describeLines, describeTitle } from '../../views/ContainerDetail';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

const dockerd = new TestDockerd();
const stateDir = mkdtempSync(join(tmpdir(), 'oc-container-pane-'));
let session: ConsoleSession;

beforeAll(async () => {
  await dockerd.start();
  dockerd.buildImage();
  // Unhealthy from its first check, and quick to stop (it ends on SIGTERM, as a service does).
  dockerd.docker(
    ...[
      'run',
      '-d',
      '--name',
      'shop-api-1',
      '--network',
      'none',
      '--label',
      'com.docker.compose.project=shop',
    ],
    ...['--label', 'com.docker.compose.service=api', '--health-cmd', 'echo upstream refused; false'],
    ...['--health-interval', '1s', '--health-retries', '1', TEST_IMAGE],
    ...['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done'],
  );
  const env = EnvironmentSchema.parse({
    hosts: { local: { docker: true, dockerSocket: dockerd.socket } },
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
}, 120_000);

afterAll(async () => {
  await session?.stop();
  await dockerd.stop();
});

const state = () => session.store.getState();
/** What the engine answered about the container the describe view shows. */
const dockerDetail = () => {
  const d = state().ui.container?.described;
  return d?.kind === 'container' ? d.detail : undefined;
};
const press = (...keys: string[]) => {
  for (const k of keys) session.controls.dispatch(k, k.length === 1 ? k : '');
};
const type = (text: string) => session.controls.dispatch(undefined, text);

describe('the containers pane acts on a real Docker engine', () => {
  it('describes an unhealthy container, restarts it on the typed name, and journals intent, result and timeline', async () => {
    const incident = session.incident.declare('api unhealthy', 'P2');
    await waitUntil(
      () =>
        containerRowsOf(state()).some((r) => r.kind === 'container' && r.container.health === 'unhealthy'),
      30_000,
      'shop-api-1 to show unhealthy',
    );
    press('1');
    // Down to the container's row (past its group's header), then Enter.
    const rows = containerRowsOf(state());
    const at = rows.findIndex((r) => r.kind === 'container' && r.container.name === 'shop-api-1');
    for (let i = 0; i < at; i++) press('down');
    press('return');
    expect(state().ui.overlay).toBe('container');
    await waitUntil(() => dockerDetail() !== undefined, 10_000, 'the engine to describe it');
    const detail = dockerDetail();
    expect(detail?.health?.command).toBe('echo upstream refused; false');
    expect(detail?.health?.runs.at(-1)?.output).toBe('upstream refused');
    const startedBefore = detail?.startedAt;

    // A wrong name does nothing; the right one restarts it.
    press('R');
    expect(state().ui.prompt?.purpose).toBe('confirm-container');
    type('shop-api');
    press('return');
    expect(state().ui.message).toMatch(/not confirmed: type "shop-api-1" to restart shop-api-1/);
    press('R');
    type('shop-api-1');
    press('return');
    await waitUntil(
      () => (dockerDetail()?.startedAt ?? 0) > (startedBefore ?? 0),
      30_000,
      'the restart to show in the describe view',
    );
    expect(state().ui.message).toBe('local: restarted shop-api-1');
    // The engine's events for it: unhealthy, then the restart (it ends on SIGTERM with exit 0).
    expect(dockerDetail()?.events?.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['create', 'start', 'health_status', 'die', 'restart']),
    );

    const journal = readJournal(new IncidentRepository(stateDir).pathOf(incident.id)).records;
    const steps = journal.filter((r) => r.kind === 'step.intent' || r.kind === 'step.result');
    expect(steps.map((r) => r.kind)).toEqual(['step.intent', 'step.result']);
    expect(steps[0]?.payload).toMatchObject({ host: 'local', argv: ['docker', 'restart', 'shop-api-1'] });
    expect(steps[1]?.payload).toMatchObject({ exitCode: 0 });
    await waitUntil(
      () => state().incident.timeline.some((e) => /Ran restart shop-api-1: exit 0/.test(e.text)),
      10_000,
      'the timeline entry',
    );
    // `l`: its own logs, its run before the restart and the one after (once the new run has said so).
    await waitUntil(
      () => (dockerd.docker('logs', 'shop-api-1').match(/^tick 1$/gm) ?? []).length === 2,
      10_000,
      'the new run to log',
    );
    press('l');
    await waitUntil(() => state().ui.container?.logs !== undefined, 10_000, 'its logs');
    expect(state().ui.container?.logs?.filter((l) => l.text === 'tick 1')).toHaveLength(2);
    // Filtered as the log pane filters: a regex, then a word left out.
    press('/');
    type('/^tick.[12]$/ -2');
    press('return');
    expect(state().ui.container?.logQuery).toBe('/^tick.[12]$/ -2');
    expect(describeTitle(state())).toMatch(/its \d+ lines matching \/\^tick\.\[12\]\$\/ -2 · \/ filter/);
    const shown = describeLines(state(), 76);
    expect(shown).toHaveLength(2);
    for (const row of shown) expect(row).toMatch(/^\d\d:\d\d:\d\d shop-api-1\s+tick 1\s*$/);
    press('l');
    expect(state().ui.container?.logs).toBeUndefined();
    press('escape');
    expect(state().ui.overlay).toBe('none');

    // The same actions from the palette, on the selected row: asked, not done, until the name is typed.
    press('g');
    const row = containerRowsOf(state()).findIndex((r) => r.kind === 'container');
    for (let i = 0; i < row; i++) press('down');
    press(':');
    type('stop the selected');
    press('return');
    expect(state().ui.overlay).toBe('prompt');
    expect(state().ui.prompt?.label).toBe('stop shop-api-1 on local. Type "shop-api-1" to go on');
    press('escape');
    expect(dockerd.docker('inspect', '--format', '{{.State.Status}}', 'shop-api-1')).toBe('running');
  }, 90_000);

  it('restarts every container of a compose service at once, asking for its name and then again', async () => {
    dockerd.docker(
      ...['run', '-d', '--name', 'shop-api-2', '--network', 'none'],
      ...[
        '--label',
        'com.docker.compose.project=shop',
        '--label',
        'com.docker.compose.service=api',
        TEST_IMAGE,
      ],
      ...['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
    );
    await waitUntil(
      () => state().containers['local/shop-api-2']?.state === 'running',
      30_000,
      'shop-api-2 seen',
    );
    const started = (name: string) => dockerd.docker('inspect', '--format', '{{.State.StartedAt}}', name);
    const before = [started('shop-api-1'), started('shop-api-2')];
    const at = containerRowsOf(state()).findIndex(
      (r) => r.kind === 'container' && r.container.name === 'shop-api-2',
    );
    press('g');
    for (let i = 0; i < at; i++) press('down');
    press('return');
    press('A');
    expect(state().ui.prompt).toMatchObject({
      purpose: 'confirm-container',
      label: 'restart service api (2 containers) on local. Type "api" to go on',
      details: ['runs: docker restart shop-api-1 shop-api-2'],
    });
    type('api');
    press('return');
    expect(state().ui.prompt?.purpose).toBe('confirm-container-again');
    type('no');
    press('return');
    expect(state().ui.message).toBe('not confirmed: type "yes" to restart service api (2 containers)');
    expect([started('shop-api-1'), started('shop-api-2')]).toEqual(before);
    press('A');
    type('api');
    press('return');
    type('yes');
    press('return');
    await waitUntil(
      () => started('shop-api-1') !== before[0] && started('shop-api-2') !== before[1],
      60_000,
      'both restarted',
    );
    await waitUntil(() => /restarted shop-api-2/.test(state().ui.message ?? ''), 10_000, 'the result said');
    // The incident of the test before is still open: one step, both containers, journaled.
    expect(state().ui.message).toBe('local: restarted shop-api-1; restarted shop-api-2');
    const intents = readJournal(
      new IncidentRepository(stateDir).pathOf(state().incident.active?.id ?? ''),
    ).records.filter((r) => r.kind === 'step.intent');
    expect(intents.at(-1)?.payload).toMatchObject({
      argv: ['docker', 'restart', 'shop-api-1', 'shop-api-2'],
    });
    press('escape');
  }, 90_000);
});
