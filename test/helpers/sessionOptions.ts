import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import type { ConsoleSessionOptions } from '../../src/session/consoleSession';
import { localTarget } from '../../src/transport/localCommand';

/**
 * A console session on one environment with no config behind it: default thresholds, no playbooks
 * or secrets, every command run here, no sources (the caller gives its own `startSources`).
 */
export function bareSessionOptions(
  environment: string,
  stateDir: string,
  overrides: Partial<ConsoleSessionOptions> = {},
): ConsoleSessionOptions {
  return {
    environment,
    thresholds: DEFAULT_THRESHOLDS,
    stateDir,
    secrets: [],
    playbooks: new Map(),
    triageEnvironment: {
      variantOf: () => undefined,
      hostOf: () => 'local',
      valuesOf: () => ({}),
      targetFor: () => localTarget,
      opsconsolePath: 'bin/opsconsole',
    },
    exit: () => {},
    startSources: async () => ({ stop: async () => {} }),
    ...overrides,
  };
}
