import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/privateFiles';
import type { EventSink } from '../model/sourceEvents';
import { demoServiceCommand } from '../projectRoot';
import { healthCheckSource } from '../sources/healthCheckSource';
import { httpGet } from '../sources/httpGet';
import { metricsScrapeSource } from '../sources/metricsScrapeSource';
import type { Poller } from '../sources/poller';
import { SupervisedProcess } from '../sources/supervisedProcess';
import { freePort } from './freePort';
import { TrafficGenerator } from './trafficGenerator';

export interface DemoServiceSpec {
  name: string;
  downstream?: string;
  /** The release running at start. */
  initial: string;
  /** A release the demo deploys later that misbehaves. */
  bad?: string;
  /** Share of requests each release fails with a 5xx. */
  errorRates: Record<string, number>;
}

/** gateway → api → worker; the api's v1.5.0 is the bad deploy. */
export const DEMO_SERVICES: DemoServiceSpec[] = [
  { name: 'gateway', downstream: 'api', initial: 'v2.3.1', errorRates: { 'v2.3.1': 0.001 } },
  {
    name: 'api',
    downstream: 'worker',
    initial: 'v1.4.2',
    bad: 'v1.5.0',
    errorRates: { 'v1.4.2': 0.004, 'v1.5.0': 0.14 },
  },
  { name: 'worker', initial: 'v0.9.7', errorRates: { 'v0.9.7': 0.002 } },
];

export const DEMO_HOST = 'demo';

/** How many of each service's last lines the fleet keeps for its own log view. */
const TAIL_LINES = 500;

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await httpGet(url, { timeoutMs: 500, maxBytes: 4096 })).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DemoFleetOptions {
  sink: EventSink;
  stateDir: string;
  /** When the bad release goes out; negative never. */
  badDeployAfterMs: number;
  requestsPerSecond?: number;
  /** Log lines a second from an extra "flood" process, for benchmarks; 0 for none. */
  logFloodPerSecond?: number;
  serviceScript?: string;
}

export function demoControlSocket(stateDir: string): string {
  return join(stateDir, 'demo.sock');
}

/**
 * The sandbox fleet behind `opsconsole demo`: real child processes on loopback, observed through the
 * same kinds of source as a real system (a supervised-process source for status, their stdout for
 * logs, HTTP for health and metrics). A control socket lets a separate command roll a service back,
 * the way `dokku releases:rollback` would.
 */
export class DemoFleet {
  readonly processes = new Map<string, SupervisedProcess>();
  readonly ports = new Map<string, number>();
  private readonly history = new Map<string, string[]>();
  /** Each service's last lines, for its own log view (`l` in the describe view). */
  private readonly tails = new Map<string, string[]>();
  private readonly pollers: Poller[] = [];
  private traffic: TrafficGenerator | undefined;
  private control: Server | undefined;
  private deployTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DemoFleetOptions) {}

  async start(): Promise<void> {
    const sink: EventSink = (e) => {
      if (e.type === 'log-lines') this.keepTail(e.source, e.lines);
      this.options.sink(e);
    };
    const service = demoServiceCommand(this.options.serviceScript);
    for (const spec of DEMO_SERVICES) this.ports.set(spec.name, await freePort());
    for (const spec of [...DEMO_SERVICES].reverse()) {
      const port = this.ports.get(spec.name) as number;
      const downstream = spec.downstream ? `http://127.0.0.1:${this.ports.get(spec.downstream)}` : undefined;
      const proc = new SupervisedProcess(
        {
          name: spec.name,
          host: DEMO_HOST,
          version: spec.initial,
          argvFor: (version) => [
            ...service,
            `--name=${spec.name}`,
            `--port=${port}`,
            `--version=${version}`,
            `--error-rate=${spec.errorRates[version] ?? 0}`,
            ...(downstream ? [`--downstream=${downstream}`] : []),
          ],
        },
        sink,
      );
      this.processes.set(spec.name, proc);
      this.history.set(spec.name, [spec.initial]);
      proc.start();
      const base = `http://127.0.0.1:${port}`;
      this.pollers.push(
        metricsScrapeSource({ service: spec.name, url: `${base}/metrics` }, sink),
        healthCheckSource({ service: spec.name, url: `${base}/health` }, (event) => {
          if (event.type === 'health') proc.reportHealth(event.ok);
          sink(event);
        }),
      );
    }
    if (this.options.logFloodPerSecond) {
      const flood = new SupervisedProcess(
        {
          name: 'flood',
          host: DEMO_HOST,
          version: 'v0',
          argvFor: () => [...service, '--name=flood', `--flood=${this.options.logFloodPerSecond}`],
        },
        sink,
      );
      this.processes.set('flood', flood);
      flood.start();
    }
    // Traffic before every service listens would open the demo with a burst of 502s.
    await Promise.all(
      [...this.ports.values()].map((port) => waitForHealth(`http://127.0.0.1:${port}/health`, 10_000)),
    );
    for (const p of this.pollers) p.start();
    this.traffic = new TrafficGenerator(
      `http://127.0.0.1:${this.ports.get('gateway')}`,
      this.options.requestsPerSecond ?? 20,
    );
    this.traffic.start();
    const bad = DEMO_SERVICES.find((s) => s.bad);
    if (bad?.bad && this.options.badDeployAfterMs >= 0) {
      this.deployTimer = setTimeout(
        () => void this.deploy(bad.name, bad.bad as string, 'scheduled deploy'),
        this.options.badDeployAfterMs,
      );
    }
    await this.openControlSocket();
  }

  private keepTail(service: string, lines: readonly string[]): void {
    const tail = this.tails.get(service) ?? [];
    tail.push(...lines);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    this.tails.set(service, tail);
  }

  /** A service's last `n` lines (at most `TAIL_LINES` are kept). */
  tail(service: string, n: number): string[] {
    return (this.tails.get(service) ?? []).slice(-n);
  }

  /** Its releases, oldest first. */
  releasesOf(service: string): string[] {
    return [...(this.history.get(service) ?? [])];
  }

  versionOf(service: string): string | undefined {
    return this.history.get(service)?.at(-1);
  }

  async deploy(service: string, version: string, reason: string): Promise<{ from: string; to: string }> {
    const proc = this.processes.get(service);
    const history = this.history.get(service);
    if (!proc || !history) throw new Error(`no demo service named "${service}"`);
    const from = history.at(-1) as string;
    history.push(version);
    this.options.sink({
      type: 'release',
      service,
      host: DEMO_HOST,
      from,
      to: version,
      at: Date.now(),
      reason,
    });
    await proc.release(version);
    return { from, to: version };
  }

  /** Goes back to the release before the current one. */
  async rollback(service: string): Promise<{ from: string; to: string }> {
    const history = this.history.get(service);
    if (!history) throw new Error(`no demo service named "${service}"`);
    const previous = history.at(-2);
    if (!previous) throw new Error(`${service} has no earlier release to roll back to`);
    return this.deploy(service, previous, 'rollback');
  }

  private async openControlSocket(): Promise<void> {
    const path = demoControlSocket(this.options.stateDir);
    ensurePrivateDir(this.options.stateDir);
    rmSync(path, { force: true });
    this.control = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://demo');
      const service = url.searchParams.get('service') ?? '';
      const reply = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url.pathname === '/rollback') {
        this.rollback(service).then(
          (r) => reply(200, r),
          (err: Error) => reply(409, { error: err.message }),
        );
        return;
      }
      if (req.method === 'GET' && url.pathname === '/releases') {
        reply(200, Object.fromEntries(this.history));
        return;
      }
      reply(404, { error: 'unknown control request' });
    });
    // The directory is 0700 already; the socket is private too, from the moment it exists: it is
    // bound (synchronously, inside listen) under a umask that leaves only the owner's bits.
    const umask = process.umask(0o777 & ~PRIVATE_FILE_MODE);
    try {
      await new Promise<void>((resolve, reject) => {
        this.control?.once('error', reject);
        this.control?.listen(path, () => resolve());
        process.umask(umask);
      });
    } finally {
      process.umask(umask);
    }
  }

  async stop(): Promise<void> {
    if (this.deployTimer) clearTimeout(this.deployTimer);
    for (const p of this.pollers) p.stop();
    await this.traffic?.stop();
    this.control?.close();
    this.control?.closeAllConnections();
    rmSync(demoControlSocket(this.options.stateDir), { force: true });
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }
}
