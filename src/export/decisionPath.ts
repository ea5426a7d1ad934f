import { eventTime, type JournalRecord, UNTICKED } from '../model/journalRecord';
import { outputLines } from '../text/outputLines';
import { sanitize } from '../text/sanitize';

/** One run of a playbook through the triage: its answers, what it did, and how it ended. */
export interface TriageRun {
  playbook: string;
  startedAt: string;
  answers: { question: string; answer: string; how: string; evidence: string }[];
  /** Steps run or skipped and verifications, in order, each in one line. */
  actions: string[];
  outcome: string;
}

const clean = (v: unknown) => sanitize(String(v ?? ''));
const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

type RunRecord = Extract<
  JournalRecord,
  { kind: 'decision.answered' | 'step.result' | 'step.skipped' | 'verify.result' }
>;

interface OpenRun {
  run: TriageRun;
  nodes: Set<string>;
  /** The outcome an answer reached, once one did. */
  reached?: string;
  verified?: string;
  failedVerify?: string;
}

function isRunRecord(r: JournalRecord): r is RunRecord {
  return (
    r.kind === 'decision.answered' ||
    r.kind === 'step.result' ||
    r.kind === 'step.skipped' ||
    r.kind === 'verify.result'
  );
}

function action(r: RunRecord): string {
  switch (r.kind) {
    case 'step.result': {
      const first = outputLines(r.payload.output)[0];
      return `Ran "${clean(r.payload.step)}"${r.payload.dryRun ? ' (dry run)' : ''}: exit ${r.payload.exitCode}${first ? ` — ${first.slice(0, 120)}` : ''}`;
    }
    case 'step.skipped':
      // A checklist passed with items unticked is runbook feedback, not a step passed over.
      return r.payload.reason === UNTICKED
        ? `Not ticked: "${clean(r.payload.step)}"`
        : `Skipped "${clean(r.payload.step)}": ${clean(r.payload.reason)}`;
    case 'verify.result':
      return `Verification "${clean(r.payload.step)}" ${r.payload.passed ? 'passed' : 'FAILED'}${r.payload.evidence ? `: ${clean(r.payload.evidence)}` : ''}`;
    default:
      return '';
  }
}

/** How a run ended, from what it reached and what came after it. */
function outcomeOf(open: OpenRun, next: OpenRun | undefined): string {
  if (open.reached) {
    const continued =
      next && next.run.playbook !== open.run.playbook ? `; continued with ${next.run.playbook}` : '';
    return `${open.reached}${continued}`;
  }
  if (open.verified) return `Verified: ${open.verified}`;
  if (open.failedVerify) return `Verification failed: ${open.failedVerify}`;
  if (next) {
    const at = next.run.startedAt.slice(11, 19);
    return next.run.playbook === open.run.playbook
      ? `Left unfinished: ${next.run.playbook} was started again at ${at}`
      : `Left unfinished for ${next.run.playbook} at ${at}`;
  }
  return 'Unfinished when the draft was written';
}

/**
 * The decision path as runs: a new run begins when the playbook changes, when a question already
 * answered in the current run comes again (the triage was started over), or after an answer that
 * reached an outcome. Each run keeps its answers, its steps and verifications, and its outcome.
 */
export function triageRuns(records: readonly JournalRecord[]): TriageRun[] {
  const runs: OpenRun[] = [];
  for (const r of records) {
    if (!isRunRecord(r)) continue;
    // An action from a pane or the CLI (no playbook) is in "Commands run", not a triage run.
    if (r.kind !== 'decision.answered' && r.payload.playbook === undefined) continue;
    const playbook = clean(r.payload.playbook ?? 'triage');
    let open = runs.at(-1);
    const node = r.kind === 'decision.answered' ? (r.payload.node ?? r.payload.question) : undefined;
    const restart =
      r.kind === 'decision.answered' &&
      open !== undefined &&
      (open.reached !== undefined || open.nodes.has(node as string));
    if (!open || open.run.playbook !== playbook || restart) {
      open = {
        run: {
          playbook,
          startedAt: new Date(eventTime(r)).toISOString(),
          answers: [],
          actions: [],
          outcome: '',
        },
        nodes: new Set(),
      };
      runs.push(open);
    }
    if (r.kind === 'decision.answered') {
      const p = r.payload;
      open.nodes.add(node as string);
      open.run.answers.push({
        question: clean(p.question),
        answer: clean(p.answer),
        how: clean(p.how),
        evidence: clean(p.evidence),
      });
      if (p.outcome) open.reached = clean(p.outcome);
      continue;
    }
    open.run.actions.push(action(r));
    if (r.kind === 'verify.result') {
      const what = `"${clean(r.payload.step)}" at ${clock(eventTime(r))}`;
      if (r.payload.passed) open.verified = what;
      else open.failedVerify = what;
    }
  }
  return runs.map((open, i) => ({ ...open.run, outcome: outcomeOf(open, runs[i + 1]) }));
}
