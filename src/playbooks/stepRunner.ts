import { randomUUID } from 'node:crypto';
import type { CommandResult, CommandTarget } from '../model/command';
import type { PayloadInput, RecordKind } from '../model/journalRecord';
import type { StepResult } from '../model/playbookView';

export interface StepToRun {
  playbook: string;
  step: string;
  host: string;
  argv: string[];
  timeoutMs: number;
  dryRun: boolean;
  /** A dry run the command performs itself (its argv says so): run it rather than nothing. */
  executeDryRun?: boolean;
}

export interface StepRunnerContext {
  record: <K extends RecordKind>(kind: K, payload: PayloadInput<K>) => void;
  target: CommandTarget;
  signal: AbortSignal;
}

const DRY_RUN: CommandResult = {
  exitCode: 0,
  durationMs: 0,
  output: '(dry run: nothing was executed)',
  outputBytes: 0,
  timedOut: false,
  cancelled: false,
};

/**
 * Runs one command step: its intent is journaled before anything starts (if that write fails,
 * nothing runs) and its result after; a dry run records both and executes nothing. A transport
 * that fails (the host unreachable) is a result too, exit 255, never a lost step.
 */
export async function runCommandStep(step: StepToRun, ctx: StepRunnerContext): Promise<StepResult> {
  const runId = randomUUID();
  ctx.record('step.intent', {
    runId,
    playbook: step.playbook,
    step: step.step,
    host: step.host,
    argv: step.argv,
    dryRun: step.dryRun,
    timeoutMs: step.timeoutMs,
  });
  let result: CommandResult;
  if (step.dryRun && !step.executeDryRun) result = DRY_RUN;
  else {
    try {
      result = await ctx.target.run(step.argv, { timeoutMs: step.timeoutMs, signal: ctx.signal });
    } catch (err) {
      result = { ...DRY_RUN, exitCode: 255, output: (err as Error).message };
    }
  }
  ctx.record('step.result', {
    runId,
    playbook: step.playbook,
    step: step.step,
    ...result,
    dryRun: step.dryRun,
  });
  return { ...result, dryRun: step.dryRun };
}
