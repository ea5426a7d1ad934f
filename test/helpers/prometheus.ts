import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/freePort';

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's package) on loopback, scraping `targets` and evaluating `rules` (a
 * rule file's YAML) every second, sending alerts to `alertmanager` when given.
 */
export async function startPrometheus(
  targets: string[],
  options: { rules?: string; alertmanager?: string } = {},
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-prom-'));
  const port = await freePort();
  if (options.rules) writeFileSync(join(dir, 'rules.yml'), options.rules);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      ...(options.rules ? ['rule_files:', `  - ${join(dir, 'rules.yml')}`] : []),
      ...(options.alertmanager
        ? [
            'alerting:',
            '  alertmanagers:',
            '    - static_configs:',
            `        - targets: ['${new URL(options.alertmanager).host}']`,
          ]
        : []),
      'scrape_configs:',
      '  - job_name: test',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // starting
    }
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`prometheus did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
