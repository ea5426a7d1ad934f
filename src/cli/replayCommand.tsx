import { render } from 'ink';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import { findConfig, loadConfigFile } from '../config/load';
import { stateDirFor } from '../config/paths';
import { DEFAULT_THRESHOLDS } from '../config/schema';
import { configSecrets } from '../config/secrets';
import { practiceComparison } from '../export/practiceComparison';
import type { Recording } from '../model/recording';
import { loadPlaybookDirs } from '../playbooks/loadPlaybook';
import { SPEEDS } from '../session/replay/replayDriver';
import { startReplaySession } from '../session/replay/replaySession';
import { parseDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { playbookDirsFor } from './checkCommand';
import type { Command } from './commands';
import { incidentStoreFor } from './incidentStores';
import { stderr, stdout } from './output';
import { isRecordingPath, readRecordingFile, recordingOfIncident } from './recordings';
import { colorEnabled, requireInteractiveTerminal } from './terminal';

/**
 * Where `--from` puts the clock: a time (2026-12-03T03:14:00Z), a time of day on the recording's
 * first day (03:14, 03:14:30, UTC as the timeline shows it), or an offset from its start (10m).
 */
export function parseReplayStart(text: string, rec: Recording): number {
  const t = text.trim();
  const offset = parseDuration(t.replace(/^\+/, ''));
  if (offset !== undefined) return rec.header.from + offset;
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (clock) {
    const day = new Date(rec.header.from);
    day.setUTCHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    let at = day.getTime();
    if (at < rec.header.from) at += 86_400_000;
    return at;
  }
  const at = Date.parse(t);
  if (Number.isNaN(at))
    throw new UserError(
      `opsconsole: replay --from: expected a time (2026-12-03T03:14:00Z), a time of day (03:14) or an offset from the start (10m); got "${sanitize(t)}"`,
      2,
    );
  return at;
}

function speedOf(v: unknown): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!(SPEEDS as readonly number[]).includes(n))
    throw new UserError(
      `opsconsole: replay --speed: expected one of ${SPEEDS.join(', ')}; got "${sanitize(String(v))}"`,
      2,
    );
  return n;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Play a recorded incident back into the console (review, practice).',
  usage: 'opsconsole replay ID|FILE [--from TIME] [--speed N] [--paused] [--practice] [--env NAME]',
  details: [
    'The panes, rules, diagnosis and patterns are computed afresh from the recorded signals, and the',
    "journal's records appear on the timeline when they were written. Nothing is run, silenced or",
    'recorded to the real incident. Keys: Space play/pause, . one second, < > speed, [ ] timeline entries.',
    '  --from TIME   start there: a time, a time of day (03:14, UTC) or an offset from the start (10m)',
    `  --speed N     ${SPEEDS.join(', ')} (default 1)`,
    '  --practice    training: the future and the real record are hidden; declare, triage and run',
    '                steps (shown, never run) into a practice incident, compared with the real one at the end',
    '  --env NAME    the environment whose log store holds the signals (when the machine has several)',
  ],
  options: {
    from: { type: 'string' },
    speed: { type: 'string' },
    paused: { type: 'boolean' },
    practice: { type: 'boolean' },
    env: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    if (positionals.length !== 1)
      throw new UserError('opsconsole: replay takes one incident ID or recording FILE', 2);
    const arg = positionals[0] as string;
    const path = findConfig(globals.config);
    const loaded = path ? loadConfigFile(path) : undefined;
    const stateDir = stateDirFor(loaded);
    const secrets = configSecrets(loaded?.config);
    const recording = isRecordingPath(arg)
      ? readRecordingFile(arg)
      : recordingOfIncident(
          stateDir,
          incidentStoreFor(loaded, typeof values.env === 'string' ? values.env : undefined).load(arg),
          secrets,
          (m) => stderr.line(`opsconsole: ${m}`),
          typeof values.env === 'string' ? values.env : undefined,
        );
    if (recording.damage) stderr.line(`opsconsole: ${recording.damage}`);
    const speed = speedOf(values.speed);
    const start = typeof values.from === 'string' ? parseReplayStart(values.from, recording) : undefined;
    requireInteractiveTerminal();
    const session = startReplaySession(
      {
        recording,
        source: arg,
        thresholds: loaded?.config.thresholds ?? DEFAULT_THRESHOLDS,
        playbooks: loadPlaybookDirs(playbookDirsFor(path, loaded?.config.playbookDirs ?? [])),
        stateDir,
        secrets,
        practice: values.practice === true,
        ...(start !== undefined && { start }),
        speed,
        paused: values.paused === true,
      },
      () => resolveExit(0),
    );
    let resolveExit: (code: number) => void = () => {};
    const exited = new Promise<number>((r) => {
      resolveExit = r;
    });
    const app = () => {
      const { logs, controls } = session.played();
      return (
        <ConsoleContext.Provider value={{ store: session.store, logs, controls, color: colorEnabled() }}>
          <App threshold={(loaded?.config.thresholds ?? DEFAULT_THRESHOLDS).critical.above} />
        </ConsoleContext.Provider>
      );
    };
    const instance = render(app(), {
      alternateScreen: true,
      interactive: true,
      incrementalRendering: true,
      maxFps: 15,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    session.onRebuild(() => instance.rerender(app()));
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const onSignal = () => resolveExit(130);
    for (const s of signals) process.on(s, onSignal);
    const code = await exited;
    try {
      instance.unmount();
    } catch {
      // The terminal may be gone already.
    }
    await instance.waitUntilExit().catch(() => {});
    session.stop();
    for (const s of signals) process.off(s, onSignal);
    const practice = session.practiceIncident();
    const real = session.realIncident();
    if (values.practice === true) stdout.write(practiceComparison(real, practice, recording.header.from));
    return code;
  },
};
