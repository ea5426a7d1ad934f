import type { CommandResult, CommandTarget } from '../../model/command';
import type { TriageEnvironment } from '../triageSession';

/** What a practice step says instead of running: the command is shown, never run. */
export const PRACTICE_NOT_RUN = 'practice: shown, not run';

/**
 * Where a practice run's steps go: a target that runs nothing and says so, on every host. The
 * trainee sees the command the step would run, and the record says it was not run.
 */
const practiceTarget: CommandTarget = {
  name: 'practice',
  run: async (argv): Promise<CommandResult> => {
    const output = `${PRACTICE_NOT_RUN}: ${argv.join(' ')}`;
    return {
      exitCode: 0,
      durationMs: 0,
      output,
      outputBytes: Buffer.byteLength(output),
      timedOut: false,
      cancelled: false,
    };
  },
};

export function practiceEnvironment(): TriageEnvironment {
  return {
    variantOf: () => undefined,
    hostOf: () => 'local',
    valuesOf: () => ({}),
    targetFor: () => practiceTarget,
    opsconsolePath: 'opsconsole',
  };
}
