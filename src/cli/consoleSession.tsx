import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { render } from 'ink';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import type { Thresholds } from '../config/schema';
import { IncidentRepository } from '../incident/incidentRepository';
import { LogBuffer } from '../logs/logBuffer';
import { sparkline } from '../metrics/sparkline';
import type { EventSink } from '../model/sourceEvents';
import type { Playbook } from '../playbooks/schema';
import { IncidentSession } from '../session/incidentSession';
import { type TriageEnvironment, TriageSession } from '../session/triageSession';
import { createConsoleStore } from '../store/consoleStore';
import { createIngest, type LineCounts } from '../store/ingest';
import { firstLineOf } from '../userError';
import { crashMessage } from './crashReport';
import { stderr } from './output';
import { colorEnabled, requireInteractiveTerminal } from './terminal';

export interface ConsoleSessionOptions {
  environment: string;
  thresholds: Thresholds;
  stateDir: string;
  /** Literal secret values from the config, redacted from everything recorded. */
  secrets: string[];
  playbooks: Map<string, Playbook>;
  triageEnvironment: TriageEnvironment;
  /** Starts the sources feeding `sink`; returns how to stop them. */
  startSources: (sink: EventSink) => Promise<{ stop(): Promise<void> }>;
}

/**
 * For benchmarks: every second, the process's memory, event-loop delay and log-line accounting as
 * one JSON line in OPSCONSOLE_DIAGNOSTICS_FILE. Off unless that variable is set.
 */
function startDiagnostics(file: string | undefined, lines: () => LineCounts): () => void {
  if (!file) return () => {};
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, loopP50Ms: delay.percentile(50) / 1e6, loopP99Ms: delay.percentile(99) / 1e6, loopMaxMs: delay.max / 1e6, lines: lines() })}\n`,
    );
    delay.reset();
  }, 1000);
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}

const CONSOLE_LOCK_WAIT_MS = 250;

const EXIT_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Runs the full-screen console until the operator quits or a signal arrives. Every exit path goes
 * through one cleanup: Ink restores the terminal (alternate screen, cursor, raw mode) and every
 * source and child process is stopped.
 */
export async function runConsoleSession(options: ConsoleSessionOptions): Promise<number> {
  requireInteractiveTerminal();
  const store = createConsoleStore(options.environment);
  const logs = new LogBuffer();
  const incident = new IncidentSession(
    // A short lock wait: the console's input is handled on this thread, so it must never hang here.
    new IncidentRepository(options.stateDir, undefined, CONSOLE_LOCK_WAIT_MS),
    options.secrets,
    (active, timeline) => store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
  );
  const resumed = incident.resume();
  if (resumed) {
    store.setState((s) => ({
      ui: { ...s.ui, message: `resumed ${resumed.id} (${resumed.severity}, ${resumed.status})` },
    }));
  }
  const triage = new TriageSession(store, options.playbooks, incident, options.triageEnvironment);
  const ingest = createIngest({
    store,
    logs,
    thresholds: options.thresholds,
    onNotable: (events) => {
      try {
        incident.observe(events);
      } catch (err) {
        store.setState((s) => ({ ui: { ...s.ui, message: `could not record: ${firstLineOf(err)}` } }));
      }
    },
  });
  ingest.start();
  // A minute-by-minute picture of the rates, so the post-mortem has the curve and not just the alerts.
  const snapshots = setInterval(() => {
    if (!store.getState().incident.active) return;
    const threshold = options.thresholds.critical.above;
    const services = Object.fromEntries(
      Object.values(store.getState().signals).map((v) => [
        v.service,
        { ratio1m: v.ratio1m ?? null, ratio5m: v.ratio5m ?? null, spark: sparkline(v.spark, threshold * 2) },
      ]),
    );
    try {
      incident.record('metrics.snapshot', { services });
    } catch (err) {
      store.setState((s) => ({
        ui: { ...s.ui, message: `could not record: ${firstLineOf(err)}` },
      }));
    }
  }, 60_000);
  // The first frame comes before the sources connect: the operator sees the console at once, and
  // the panes fill in as data arrives.
  const sourcesReady = options.startSources(ingest.sink).catch((err: Error) => {
    store.setState((s) => ({ ui: { ...s.ui, message: `could not start the sources: ${err.message}` } }));
    return { stop: async () => {} };
  });

  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => {
    resolveExit = r;
  });
  const instance = render(
    <ConsoleContext.Provider value={{ store, logs, color: colorEnabled() }}>
      <App
        onExit={() => resolveExit(0)}
        threshold={options.thresholds.critical.above}
        incident={incident}
        triage={triage}
        stateDir={options.stateDir}
      />
    </ConsoleContext.Provider>,
    {
      alternateScreen: true,
      interactive: true,
      incrementalRendering: true,
      maxFps: 15,
      patchConsole: false,
      exitOnCtrlC: false,
    },
  );

  const onSignal = (signal: keyof typeof EXIT_SIGNALS) => () => resolveExit(EXIT_SIGNALS[signal]);
  const handlers = Object.keys(EXIT_SIGNALS).map((s) => {
    const sig = s as keyof typeof EXIT_SIGNALS;
    const h = onSignal(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  const onFatal = (err: unknown) => {
    process.exitCode = 1;
    resolveExit(1);
    // After Ink has restored the terminal: one line naming the crash file, never a stack.
    queueMicrotask(() => stderr.line(crashMessage(err, options.stateDir)));
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  const stopDiagnostics = startDiagnostics(process.env.OPSCONSOLE_DIAGNOSTICS_FILE, ingest.lineCounts);
  const code = await exited;
  stopDiagnostics();
  clearInterval(snapshots);
  triage.stop();
  incident.close();
  try {
    instance.unmount();
  } catch {
    // The terminal may already be gone (SSH dropped); the journal is what matters and it is synced.
  }
  await instance.waitUntilExit().catch(() => {});
  ingest.stop();
  await (await sourcesReady).stop();
  for (const [sig, h] of handlers) process.off(sig, h);
  return code;
}
