import type { ServiceSignalsView } from '../metrics/serviceSignals';
import { type ContainerStatus, rolloutState } from '../model/sourceEvents';
import type { ConsoleState } from '../store/consoleStore';

/**
 * `status`'s exit codes, for scripts and cron. 1 and 2 keep their meaning across opsconsole (a
 * runtime failure, a usage or configuration error); 3 and 4 say what the snapshot saw.
 */
export const STATUS_EXIT = {
  ok: 0,
  /** A source could not be read (it failed or was reconnecting): nothing fires that it could show. */
  sourceFailed: 1,
  usage: 2,
  /** Something fires: a rule, a container exited non-zero, restarting or unhealthy, a stalled rollout. */
  firing: 3,
  /** Something is on its way to firing: a rule pending. */
  pending: 4,
} as const;

/** Why a container is trouble now, or undefined when it is not. */
function containerTrouble(c: ContainerStatus): string | undefined {
  if (c.state === 'exited' && (c.exitCode ?? 0) !== 0) return `exited (${c.exitCode})`;
  if (c.oomKilled && c.state !== 'running') return 'killed for memory';
  if (c.state === 'restarting') return 'restarting';
  if (c.state === 'running' && c.health === 'unhealthy')
    return `unhealthy${c.healthFailingStreak ? ` ×${c.healthFailingStreak}` : ''}`;
  return undefined;
}

export interface StatusVerdict {
  exitCode: number;
  firing: string[];
  pending: string[];
  failedSources: string[];
}

/** What fires, what is pending and which sources failed, and the exit code that follows (3 > 1 > 4 > 0). */
export function statusVerdict(state: ConsoleState, services: ServiceSignalsView[]): StatusVerdict {
  const firing: string[] = [];
  const pending: string[] = [];
  for (const s of services)
    for (const r of s.rules) {
      if (r.state === 'firing') firing.push(`${s.service} ${r.id} firing`);
      if (r.state === 'pending') pending.push(`${s.service} ${r.id} pending`);
    }
  for (const c of Object.values(state.containers)) {
    const trouble = containerTrouble(c);
    if (trouble) firing.push(`${c.host}/${c.name} ${trouble}`);
  }
  for (const w of Object.values(state.workloads))
    if (rolloutState(w) === 'stalled') firing.push(`${w.kind} ${w.namespace}/${w.name} rollout stalled`);
  const failedSources = Object.values(state.sources)
    .filter((s) => s.state === 'failed' || s.state === 'reconnecting')
    .map((s) => `${s.id} ${s.state}${s.reason ? ` (${s.reason})` : ''}`);
  const exitCode =
    firing.length > 0
      ? STATUS_EXIT.firing
      : failedSources.length > 0
        ? STATUS_EXIT.sourceFailed
        : pending.length > 0
          ? STATUS_EXIT.pending
          : STATUS_EXIT.ok;
  return { exitCode, firing, pending, failedSources };
}
