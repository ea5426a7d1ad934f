import type { JournalRecord, RecordOfKind } from '../model/journalRecord';
import { outputLines } from '../text/outputLines';
import { sanitize } from '../text/sanitize';

export interface CommandRun {
  step: string;
  host: string;
  argv: string[];
  exitCode: number | null;
  durationMs: number | null;
  /** Sanitized line by line, joined by newlines; the one that ended the output is not shown. */
  output: string;
  dryRun: boolean;
}

const clean = (v: unknown) => sanitize(String(v ?? ''));
const OUTPUT_CHARS = 800;

function despiteText(v: unknown): string {
  if (Array.isArray(v)) return v.map(despiteText).join('; ');
  if (typeof v === 'object' && v !== null) return clean(JSON.stringify(v));
  return clean(v);
}

/** The commands run from the console, and the runbook feedback the steps leave behind. */
export function commandsRun(records: readonly JournalRecord[]): {
  commands: CommandRun[];
  feedback: string[];
} {
  const intents = new Map<string, RecordOfKind<'step.intent'>['payload']>();
  const results = new Set<string>();
  const commands: CommandRun[] = [];
  const feedback: string[] = [];
  for (const r of records) {
    if (r.kind === 'step.intent') intents.set(r.payload.runId, r.payload);
    if (r.kind === 'step.result') {
      const p = r.payload;
      const intent = intents.get(p.runId);
      results.add(p.runId);
      commands.push({
        step: clean(p.step),
        host: clean(intent?.host ?? p.host),
        argv: (intent?.argv ?? []).map(clean),
        exitCode: p.exitCode,
        durationMs: p.durationMs,
        output: outputLines(p.output).join('\n').slice(0, OUTPUT_CHARS),
        dryRun: intent?.dryRun === true,
      });
      // Runbook feedback is about playbook steps: a failed action from a pane or the CLI is in the table.
      if (p.exitCode !== 0 && intent?.playbook !== undefined)
        feedback.push(`Step "${clean(p.step)}" failed with exit ${p.exitCode}.`);
      if (p.offScript === true) feedback.push(`Step "${clean(p.step)}" was run off script.`);
    }
    if (r.kind === 'step.skipped')
      feedback.push(`Step "${clean(r.payload.step)}" was skipped: ${clean(r.payload.reason)}.`);
    // Written by the status change when the incident was resolved over a firing rule or an unverified step.
    if (r.kind === 'incident.status' && r.payload.despite)
      feedback.push(`Set ${clean(r.payload.status)} despite: ${despiteText(r.payload.despite)}.`);
    if (r.kind === 'verify.result' && !r.payload.passed)
      feedback.push(`Verification "${clean(r.payload.step)}" failed: ${clean(r.payload.evidence)}.`);
  }
  for (const [runId, intent] of intents) {
    if (!results.has(runId))
      feedback.push(`Step "${clean(intent.step)}" was started but no result was recorded.`);
  }
  return { commands, feedback };
}
