import { randomUUID } from 'node:crypto';
import type { CommandResult, CommandTarget } from '../model/command';
import type { PayloadInput, RecordKind } from '../model/journalRecord';
import type { StepResult } from '../model/playbookView';
import { ParameterError } from './parameters';
import type { PlaybookNode } from './schema';

export class PlaybookRunError extends Error {}

export interface StepToRun {
  /** The playbook the step is of; none for an action taken from a pane or the CLI. */
  playbook?: string;
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

/**
 * The current step as it will run, or why it may not: imported and not reviewed, parameters
 * missing, or a destructive step whose word was not typed. A command that can dry-run itself (a
 * server-side dry run) runs as one; others execute nothing.
 */
export function stepToRun(
  playbook: string,
  node: Extract<PlaybookNode, { kind: 'command' | 'shell' }>,
  plan: { argv: string[]; host: string; missing: string[] } | undefined,
  dryRun: boolean,
  confirmation: { word: string | undefined; typed: string | undefined },
): StepToRun {
  if (!node.reviewed)
    throw new PlaybookRunError(
      'this step was imported and not reviewed: read it in the playbook YAML and set reviewed: true',
    );
  if (!plan || plan.missing.length > 0)
    throw new ParameterError(`missing parameters: ${plan?.missing.join(', ')}`);
  const { word, typed } = confirmation;
  if (word !== undefined && typed !== word)
    throw new PlaybookRunError(`not confirmed: type "${word}" to run this step`);
  const dryRunArgs = dryRun && node.kind === 'command' ? node.run.dryRun : undefined;
  return {
    playbook,
    step: node.title,
    host: plan.host,
    argv: dryRunArgs ? [...plan.argv, ...dryRunArgs] : plan.argv,
    timeoutMs: node.kind === 'command' ? node.run.timeout : node.timeout,
    dryRun,
    ...(dryRunArgs && { executeDryRun: true }),
  };
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

/** What a destructive step asks the operator to type: the service, else the host; none if not destructive. */
export function confirmationWordFor(
  node: PlaybookNode,
  service: string | undefined,
  host: () => string | undefined,
): string | undefined {
  const destructive =
    node.kind === 'command' ? node.run.destructive : node.kind === 'shell' ? node.destructive : false;
  return destructive ? (service ?? host()) : undefined;
}
