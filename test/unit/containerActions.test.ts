import { describe, expect, it } from 'vitest';
import type { CommandTarget } from '../../src/model/command';
import type { ContainerEngines } from '../../src/model/containerDetail';
import { managerLogArgv, planAction } from '../../src/session/controllers/containerActions';

const target = (name: string): CommandTarget => ({
  name,
  run: () => Promise.reject(new Error('not run here')),
});
const engines: ContainerEngines = {
  describe: () => Promise.reject(new Error('not asked here')),
  logs: () => Promise.reject(new Error('not asked here')),
  target: (host) => (host === 'web1' ? target('docker on web1') : undefined),
  commandTarget: (host) => target(`shell on ${host}`),
  kubernetes: {
    pod: () => Promise.reject(new Error('not asked here')),
    workload: () => Promise.reject(new Error('not asked here')),
    podLogs: () => Promise.reject(new Error('not asked here')),
    target: target('prod'),
  },
};

describe('what each action means for what the describe view shows', () => {
  it('a container: its runtime’s own command, typed for what stops it, through the right target', () => {
    const docker = planAction(
      { kind: 'container', host: 'web1', name: 'api-1', runtime: 'docker' },
      'stop',
      engines,
    );
    expect(docker).toMatchObject({ argv: ['docker', 'stop', 'api-1'], typed: 'api-1', where: 'web1' });
    expect(typeof docker !== 'string' && docker.target.name).toBe('docker on web1');
    const unit = { kind: 'container', host: 'web2', name: 'nginx.service', runtime: 'systemd' } as const;
    expect(planAction(unit, 'restart', engines)).toMatchObject({
      argv: ['systemctl', 'restart', 'nginx.service'],
      typed: 'nginx.service',
      target: { name: 'shell on web2' },
    });
    expect(planAction({ ...unit, runtime: 'pm2', name: 'api' }, 'start', engines)).toMatchObject({
      argv: ['pm2', 'start', 'api', '-s'],
    });
    expect(planAction({ ...unit, runtime: 'pm2', name: 'api' }, 'start', engines)).not.toHaveProperty(
      'typed',
    );
    expect(
      planAction({ kind: 'container', host: 'web9', name: 'x', runtime: 'docker' }, 'restart', engines),
    ).toBe('restart: this console cannot act on the containers of web9');
    expect(planAction(unit, 'scale', engines)).toMatch(/^s scales a Deployment or StatefulSet/);
    const service = { name: 'api', containers: ['shop-api-1', 'shop-api-2'] };
    expect(
      planAction(
        { kind: 'container', host: 'web1', name: 'shop-api-1', runtime: 'docker' },
        'restart-service',
        engines,
        {
          service,
        },
      ),
    ).toMatchObject({
      argv: ['docker', 'restart', 'shop-api-1', 'shop-api-2'],
      typed: 'api',
      everyReplica: 'This restarts all 2 containers of api at once: it is down until they are back.',
    });
    expect(planAction(unit, 'restart-service', engines, { service })).toMatch(/compose service/);
  });

  it('Kubernetes: kubectl’s verbs with a server dry run; a restart of every pod asked twice; scale down typed', () => {
    const pod = { kind: 'pod', host: 'prod', namespace: 'shop', name: 'api-7d9c-x' } as const;
    expect(planAction(pod, 'delete', engines)).toMatchObject({
      argv: ['kubectl', 'delete', 'pod', 'api-7d9c-x', '-n', 'shop'],
      dryRunArgv: ['kubectl', 'delete', 'pod', 'api-7d9c-x', '-n', 'shop', '--dry-run=server'],
      typed: 'api-7d9c-x',
      where: 'prod/shop',
    });
    expect(planAction(pod, 'restart', engines)).toMatch(/a pod is deleted \(D\)/);
    const api = {
      kind: 'workload',
      host: 'prod',
      namespace: 'shop',
      name: 'api',
      workload: 'StatefulSet',
    } as const;
    expect(planAction(api, 'restart', engines, { desired: 3 })).toMatchObject({
      argv: ['kubectl', 'rollout', 'restart', 'statefulset/api', '-n', 'shop'],
      everyReplica: 'This replaces every pod of api (3), as its rollout strategy allows.',
    });
    expect(planAction(api, 'scale', engines, { desired: 3, replicas: 5 })).not.toHaveProperty('typed');
    expect(planAction(api, 'scale', engines, { desired: 3, replicas: 0 })).toMatchObject({
      argv: ['kubectl', 'scale', 'statefulset/api', '--replicas=0', '-n', 'shop'],
      typed: 'api',
    });
    expect(planAction({ ...api, workload: 'DaemonSet' }, 'scale', engines, { replicas: 2 })).toMatch(
      /DaemonSet/,
    );
    expect(planAction(api, 'restart', { ...engines, kubernetes: undefined })).toBe(
      'restart: this console has no way to the cluster prod',
    );
  });

  it('a process manager’s own log command for its last lines', () => {
    expect(managerLogArgv('systemd', 'nginx.service', 500)).toEqual([
      'journalctl',
      '-u',
      'nginx.service',
      '-n',
      '500',
      '--no-pager',
      '-o',
      'cat',
    ]);
    expect(managerLogArgv('docker', 'api', 500)).toBeUndefined();
  });
});
