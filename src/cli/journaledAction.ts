import { createInterface } from 'node:readline/promises';
import type { LoadedConfig } from '../config/load';
import { configSecrets } from '../config/secrets';
import { IncidentRecorder } from '../incident/recorder';
import type { CommandTarget } from '../model/command';
import { runCommandStep } from '../playbooks/stepRunner';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { incidentStoreFor } from './incidentStores';
import { stderr, stdout } from './output';

const ACTION_TIMEOUT_MS = 60_000;

/**
 * An action from the CLI (`container`, `workload`), run by the step runner as a playbook step is:
 * the intent journaled into the incident (`--incident ID`, else the open one) before anything is
 * sent, the result after. Prints the result; exit 0 when it went through.
 */
export async function runJournaledAction(
  loaded: LoadedConfig | undefined,
  incidentFlag: unknown,
  action: { step: string; host: string; argv: string[]; target: CommandTarget; dryRun?: boolean },
): Promise<number> {
  const repo = incidentStoreFor(loaded);
  const id = typeof incidentFlag === 'string' ? repo.open(incidentFlag) && incidentFlag : repo.active()?.id;
  const recorder = id ? new IncidentRecorder(repo.open(id), configSecrets(loaded?.config)) : undefined;
  const result = await runCommandStep(
    {
      step: action.step,
      host: action.host,
      argv: action.argv,
      timeoutMs: ACTION_TIMEOUT_MS,
      // A dry run the system does itself (Kubernetes' server dry run) is sent, and journaled as one.
      dryRun: action.dryRun === true,
      executeDryRun: action.dryRun === true,
    },
    {
      record: (kind, payload) => {
        recorder?.record(kind, payload);
      },
      target: action.target,
      signal: new AbortController().signal,
    },
  );
  stdout.write(`${action.host}: ${result.output}\n`);
  stderr.line(
    id
      ? `opsconsole: journaled into ${sanitize(id)}`
      : 'opsconsole: no open incident, so nothing was journaled (--incident ID names one)',
  );
  return result.exitCode === 0 ? 0 : 1;
}

/**
 * An action that stops or removes: on a terminal, the name typed; without one, refused unless
 * `--yes` (exit 2), so a script says it means it.
 */
export async function confirmByName(
  what: string,
  name: string,
  yes: unknown,
  command: string,
): Promise<void> {
  if (yes === true) return;
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new UserError(
      `opsconsole ${command}: ${what}: refused without a terminal to confirm on\n  fix: add --yes to do it from a script`,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C or Ctrl-D at the question: the operator changed their mind, which is no crash.
  const cancelled = () => new UserError(`\nopsconsole ${command}: cancelled; nothing was done`, 1);
  const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(cancelled())));
  // Closed after an answer too (below): that rejection is nobody's to hear.
  closed.catch(() => {});
  try {
    const typed = await Promise.race([
      rl.question(`${what}. Type "${sanitize(name)}" to go on: `).catch(() => {
        throw cancelled();
      }),
      closed,
    ]);
    if (typed.trim() !== name)
      throw new UserError(
        `opsconsole ${command}: not confirmed (typed "${sanitize(typed.trim())}"); nothing was done`,
        1,
      );
  } finally {
    rl.close();
  }
}
