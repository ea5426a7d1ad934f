import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromDiscovery } from '../../src/cli/initCommand';
import { ThresholdsSchema } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { ContainerStatus } from '../../src/model/sourceEvents';
import { loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { IncidentSession } from '../../src/session/incidentSession';
import { failingService } from '../../src/session/liveFacts';
import { TriageSession } from '../../src/session/triageSession';
import { followEveryContainer } from '../../src/sources/containerLogFollower';
import { listContainers } from '../../src/sources/dockerProbe';
import { DockerSource } from '../../src/sources/dockerSource';
import { createConsoleStore } from '../../src/store/consoleStore';
import { createIngest } from '../../src/store/ingest';
import { releaseEvents } from '../../src/store/selectors';
import { localTarget } from '../../src/transport/localCommand';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';

const dockerd = new TestDockerd();
/** What docker compose writes on the containers it creates. */
const COMPOSE_LABELS = {
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': 'cart',
  'com.docker.compose.project.working_dir': '/srv/shop',
  'com.docker.compose.project.config_files': '/srv/shop/compose.yaml,/srv/shop/compose.prod.yaml',
};

/** A compose-labelled cart container; `errors` of every ten requests it logs are 500s. */
function runCart(name: string, image: string, errors: number): void {
  dockerd.docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'none',
    ...Object.entries(COMPOSE_LABELS).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    image,
    'sh',
    '-c',
    `i=0; while true; do s=200; [ $((i % 10)) -lt ${errors} ] && s=500; echo "{\\"status\\":$s}"; i=$((i+1)); sleep 0.05; done`,
  );
}

const imageId = (ref: string) => dockerd.docker('image', 'inspect', '--format', '{{.Id}}', ref);

beforeAll(async () => {
  await dockerd.start();
  dockerd.buildImage();
  dockerd.docker('tag', TEST_IMAGE, 'shop/cart:1.0.0');
  // The new release: another image (another id), as a real deploy brings.
  dockerd.docker(
    'run',
    '--name',
    'build',
    '--network',
    'none',
    TEST_IMAGE,
    'sh',
    '-c',
    'echo 2.0.0 > /release',
  );
  dockerd.docker('commit', 'build', 'shop/cart:2.0.0');
  dockerd.docker('rm', 'build');
  process.env.DOCKER_HOST = `unix://${dockerd.socket}`;
}, 120_000);

afterAll(async () => {
  delete process.env.DOCKER_HOST;
  await dockerd.stop();
});

describe('the emergency rollback of a docker compose service', () => {
  it('init writes the deploy kind and the compose project the labels show', async () => {
    runCart('shop-cart-0', 'shop/cart:1.0.0', 0);
    try {
      const text = configFromDiscovery(dockerd.socket, await listContainers(dockerd.socket));
      expect(text).toContain(
        [
          '      cart:',
          '        container: shop-cart-0',
          '        deploy:',
          '          kind: compose',
          '          params:',
          '            composeProject: shop',
          '            composeDir: /srv/shop',
          '            composeFiles: /srv/shop/compose.yaml:/srv/shop/compose.prod.yaml',
        ].join('\n'),
      );
    } finally {
      dockerd.docker('rm', '-f', 'shop-cart-0');
    }
  });

  it('with no deploy.kind, takes compose from the labels and puts the previous image back, from → to shown first', async () => {
    const store = createConsoleStore('lab');
    const ingest = createIngest({
      store,
      logs: new LogBuffer(1000),
      thresholds: ThresholdsSchema.parse({}),
      reorderWindowMs: 0,
    });
    const dialer = { socketPath: dockerd.socket };
    const logs = followEveryContainer(dialer, ingest.sink);
    const source = new DockerSource('local', dialer, logs.sink);
    ingest.start();
    source.start();
    const containers = () => Object.values(store.getState().containers) as ContainerStatus[];
    try {
      runCart('shop-cart-1', 'shop/cart:1.0.0', 0);
      await waitUntil(() => containers().some((c) => c.name === 'shop-cart-1'), 20_000, 'the first release');
      // The deploy: compose recreates the container on the new image, which fails half its requests.
      dockerd.docker('rm', '-f', 'shop-cart-1');
      runCart('shop-cart-2', 'shop/cart:2.0.0', 5);
      await waitUntil(
        () => failingService(store.getState()) === 'cart' && releaseEvents(store.getState()).length > 0,
        30_000,
        'cart failing after its release',
      );
    } finally {
      source.stop();
      logs.stop();
      ingest.stop();
    }
    const previousId = imageId('shop/cart:1.0.0');
    expect(releaseEvents(store.getState()).at(-1)?.data).toMatchObject({
      from: '1.0.0',
      to: '2.0.0',
      fromImageId: previousId,
    });

    const stateDir = mkdtempSync(join(tmpdir(), 'oc-rollback-'));
    const repo = new IncidentRepository(stateDir, 'op@test');
    const incident = new IncidentSession(repo, [], () => {});
    const { id } = incident.declare('cart fails after 2.0.0', 'P1');
    const triage = new TriageSession(store, loadPlaybookDirs(['playbooks']), incident, {
      variantOf: () => undefined, // what `init` wrote before: no deploy.kind
      hostOf: () => 'local',
      valuesOf: () => ({}),
      targetFor: () => localTarget,
      opsconsolePath: 'bin/opsconsole',
    });
    try {
      const run = triage.start('emergency-rollback');
      run.continue(); // the checklist
      expect(run.currentId).toBe('compose-retag');
      const view = run.view();
      expect(view.text).toBe(
        `Put the previous release under the tag the compose file runs: shop/cart:2.0.0 2.0.0 → 1.0.0 (image ${previousId})`,
      );
      expect(view.command?.argv).toEqual(['docker', 'tag', previousId, 'shop/cart:2.0.0']);
      const answered = readJournal(repo.pathOf(id)).records.find((r) => r.kind === 'decision.answered');
      expect(answered?.payload).toMatchObject({
        answer: 'docker compose',
        how: 'the deploy kind is known: compose labels of shop-cart-2',
      });

      expect((await run.runStep('cart')).exitCode).toBe(0);
      // The tag the compose file names now holds the previous release's image.
      expect(imageId('shop/cart:2.0.0')).toBe(previousId);

      run.continue();
      expect(run.currentId).toBe('compose-recreate');
      expect(run.commandPlan()?.argv).toEqual([
        'env',
        'COMPOSE_FILE=/srv/shop/compose.yaml:/srv/shop/compose.prod.yaml',
        'docker',
        'compose',
        '--project-name',
        'shop',
        '--project-directory',
        '/srv/shop',
        'up',
        '--detach',
        '--no-deps',
        '--force-recreate',
        'cart',
      ]);
      expect(readFileSync(repo.pathOf(id), 'utf8')).toContain('"step.result"');
    } finally {
      triage.stop();
      dockerd.docker('rm', '-f', 'shop-cart-2');
    }
  });
});
