import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/freePort';

/** A real Alertmanager (Debian's), on loopback, no gossip, a receiver that sends nowhere. */
export class TestAlertmanager {
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-alertmanager-'));
  url = '';
  private child: ChildProcess | undefined;

  /** Starts it; again after `stop`, on the same port and with the same storage (silences kept). */
  async start(): Promise<void> {
    const port = this.url ? Number(new URL(this.url).port) : await freePort();
    this.url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(this.dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: nowhere',
        '  group_wait: 1s',
        '  group_interval: 1s',
        'receivers:',
        '  - name: nowhere',
        '',
      ].join('\n'),
    );
    this.child = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${join(this.dir, 'alertmanager.yml')}`,
        `--storage.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('alertmanager did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Posts alerts as Prometheus would (API v2). */
  async post(
    alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string }[],
  ) {
    const res = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    if (!res.ok) throw new Error(`posting alerts: HTTP ${res.status}`);
  }

  async silence(matchers: { name: string; value: string }[], comment: string): Promise<string> {
    const now = Date.now();
    const res = await fetch(`${this.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: matchers.map((m) => ({ ...m, isRegex: false, isEqual: true })),
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        createdBy: 'test',
        comment,
      }),
    });
    return ((await res.json()) as { silenceID: string }).silenceID;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
