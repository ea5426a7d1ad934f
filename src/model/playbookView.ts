import type { CommandResult } from './command';

export type NodeKind = 'question' | 'checklist' | 'command' | 'shell' | 'verify' | 'outcome';

export type Verdict = 'yes' | 'no' | 'unknown';

/** What live data says about a condition: yes, no, or unknown (never a guess), and why. */
export interface Evaluation {
  verdict: Verdict;
  /** What the data showed, in words, e.g. "api 5m 5xx 8.1% > 5%". */
  evidence: string[];
}

export type StepResult = CommandResult & { dryRun: boolean };

/** Whether a step's run did what it was for: exit 0, not cut short (a dry run counts as done). */
export const stepSucceeded = (r: StepResult) => r.exitCode === 0 && !r.cancelled && !r.timedOut;

/** What the triage view draws for the current node of a playbook run. */
export interface PlaybookNodeView {
  playbookId: string;
  playbookTitle: string;
  nodeId: string;
  kind: NodeKind;
  text: string;
  help?: string;
  proposal?: Evaluation;
  choices: { key: string; label: string }[];
  checklist: { item: string; ticked: boolean }[];
  command?: {
    argv: string[];
    host: string;
    destructive: boolean;
    dryRun: boolean;
    reviewed: boolean;
    missing: string[];
  };
  running: boolean;
  lastResult?: StepResult;
  /** A verification under way: what the data since `since` says, until `deadline`. */
  verify?: { evaluation: Evaluation; deadline: number; since: number; failed: boolean };
  /**
   * An outcome: its summary and the playbook it continues with; one that watches shows its
   * condition as it moves, and whether it held and the console proposed the playbook.
   */
  outcome?: { summary?: string; next?: string; watch?: { evaluation: Evaluation; proposed: boolean } };
  trail: string[];
}
