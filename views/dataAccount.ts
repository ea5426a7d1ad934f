import type { ConsoleState } from '../src/store/consoleStore';

/**
 * The diagnosis as one line. A release no longer running (a rollback since) is said in the line
 * itself ("api v1.5.0 at …, replaced by v1.4.2 at …"), so the account never reads as current when
 * it is history.
 */
export function dataAccount(s: ConsoleState): string | undefined {
  return s.diagnosis?.summary;
}
