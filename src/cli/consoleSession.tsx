import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { render } from 'ink';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import type { StoreCounts } from '../logstore/logStoreClient';
import { type ConsoleSessionOptions, startConsoleSession } from '../session/consoleSession';
import type { LineCounts } from '../store/ingest';
import { sayChatLeftBehind } from './chatFromCli';
import { crashMessage } from './crashReport';
import { stderr } from './output';
import { colorEnabled, requireInteractiveTerminal } from './terminal';

/**
 * For benchmarks: every second, the process's memory, event-loop delay and log-line accounting (the
 * ring's, and the log store's: received = stored + dropped by reason + on the way) as one JSON line
 * in OPSCONSOLE_DIAGNOSTICS_FILE. Off unless that variable is set.
 */
function startDiagnostics(
  file: string | undefined,
  lines: () => LineCounts,
  stored: () => StoreCounts | undefined,
): () => void {
  if (!file) return () => {};
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, loopP50Ms: delay.percentile(50) / 1e6, loopP99Ms: delay.percentile(99) / 1e6, loopMaxMs: delay.max / 1e6, lines: lines(), store: stored() ?? null })}\n`,
    );
    delay.reset();
  }, 1000);
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}

const EXIT_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Runs the full-screen console until the operator quits or a signal arrives. Every exit path goes
 * through one cleanup: Ink restores the terminal (alternate screen, cursor, raw mode) and every
 * source and child process is stopped.
 */
export async function runConsoleSession(options: Omit<ConsoleSessionOptions, 'exit'>): Promise<number> {
  requireInteractiveTerminal();
  let resolveExit: (code: number) => void = () => {};
  const session = startConsoleSession({ ...options, exit: () => resolveExit(0) });
  const { store, logs, controls, ingest } = session;
  const exited = new Promise<number>((r) => {
    resolveExit = r;
  });
  const instance = render(
    <ConsoleContext.Provider value={{ store, logs, controls, color: colorEnabled() }}>
      <App threshold={options.thresholds.critical.above} />
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

  const stopDiagnostics = startDiagnostics(process.env.OPSCONSOLE_DIAGNOSTICS_FILE, ingest.lineCounts, () =>
    session.logStore?.snapshot(),
  );
  const code = await exited;
  stopDiagnostics();
  try {
    instance.unmount();
  } catch {
    // The terminal may already be gone (SSH dropped); the journal is what matters and it is synced.
  }
  await instance.waitUntilExit().catch(() => {});
  const pending = session.chatPending();
  // The session waits a few seconds for messages on their way: say so, the screen is already gone.
  if (pending > 0)
    stderr.line(`opsconsole: sending ${pending} chat message${pending === 1 ? '' : 's'} before quitting…`);
  await session.stop();
  sayChatLeftBehind(session.chatPending());
  for (const [sig, h] of handlers) process.off(sig, h);
  return code;
}
