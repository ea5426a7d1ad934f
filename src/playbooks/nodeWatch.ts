import type { PayloadInput, RecordKind } from '../model/journalRecord';
import type { Evaluation } from '../model/playbookView';
import { evaluateCondition, type LiveFacts } from './evaluateCondition';
import { howAnswered } from './runWording';
import type { Condition, PlaybookNode } from './schema';

/** What a node that keeps checking the live data needs from its run. */
export interface WatchContext {
  playbook: string;
  nodeId: string;
  facts: () => LiveFacts;
  record: <K extends RecordKind>(kind: K, payload: PayloadInput<K>) => void;
  /** The condition with the run's parameters filled in. */
  fill: (c: Condition) => Condition;
  now?: () => number;
}

const now = (ctx: WatchContext) => (ctx.now ?? Date.now)();

type VerifyNode = Extract<PlaybookNode, { kind: 'verify' }>;
type OutcomeNode = Extract<PlaybookNode, { kind: 'outcome' }>;

/**
 * A verification step under way. It judges only the data since `since` (when the step before it
 * finished, or when it was reached), passes once the condition holds and fails once `deadline`
 * passes; both are journaled.
 */
export class Verification {
  readonly deadline: number;
  failed = false;

  constructor(
    private readonly node: VerifyNode,
    private readonly ctx: WatchContext,
    readonly since: number,
  ) {
    this.deadline = now(ctx) + node.within;
  }

  evaluate(): Evaluation {
    return evaluateCondition(this.ctx.fill(this.node.verify), { ...this.ctx.facts(), since: this.since });
  }

  /** Re-checks the data: "passed" (recorded), "failed" (recorded once) or "waiting". */
  tick(): 'passed' | 'failed' | 'waiting' {
    if (this.failed) return 'failed';
    const evaluation = this.evaluate();
    const record = (passed: boolean) =>
      this.ctx.record('verify.result', {
        playbook: this.ctx.playbook,
        step: this.node.title,
        passed,
        evidence: evaluation.evidence.join('; '),
      });
    if (evaluation.verdict === 'yes') {
      record(true);
      return 'passed';
    }
    if (now(this.ctx) < this.deadline) return 'waiting';
    this.failed = true;
    record(false);
    return 'failed';
  }

  /** Fails at once, recorded with why: there is nothing the data could show (the step never ran). */
  failNow(reason: string): void {
    this.failed = true;
    this.ctx.record('verify.result', {
      playbook: this.ctx.playbook,
      step: this.node.title,
      passed: false,
      evidence: reason,
    });
  }
}

/**
 * An outcome that keeps watching (the rollback trigger while the operator prepares): its condition
 * is shown as it moves, and the first time it holds the console proposes the outcome's playbook.
 */
export class OutcomeWatch {
  proposed: Evaluation | undefined;

  constructor(
    private readonly node: OutcomeNode & { watch: Condition; playbook: string },
    private readonly ctx: WatchContext,
  ) {}

  evaluate(): Evaluation {
    return evaluateCondition(this.ctx.fill(this.node.watch), this.ctx.facts());
  }

  tick(): void {
    if (this.proposed) return;
    const e = this.evaluate();
    if (e.verdict !== 'yes') return;
    this.ctx.record('decision.shown', {
      playbook: this.ctx.playbook,
      node: this.ctx.nodeId,
      question: `${this.node.outcome}: it holds now (${e.evidence.join('; ')}). Continue with the ${this.node.playbook} playbook?`,
    });
    this.proposed = e;
  }

  /** The operator continues: recorded with what the data said (proposed, or not yet held). */
  accept(): string {
    const e = this.proposed ?? this.evaluate();
    const question = `Continue with the ${this.node.playbook} playbook now?`;
    this.ctx.record('decision.answered', {
      playbook: this.ctx.playbook,
      node: this.ctx.nodeId,
      question,
      answer: 'yes',
      how: howAnswered(e, 'yes'),
      proposed: e.verdict,
      evidence: e.evidence.join('; '),
    });
    return `${question} → yes`;
  }
}

/**
 * What a node keeps checking once entered: a verification (judged from when the step before it
 * finished, else from now), or an outcome's watch.
 */
export function watchesOf(
  node: PlaybookNode,
  ctx: WatchContext,
  stepFinishedAt: number | undefined,
): { verification?: Verification; watch?: OutcomeWatch } {
  if (node.kind === 'verify')
    return { verification: new Verification(node, ctx, stepFinishedAt ?? now(ctx)) };
  if (node.kind === 'outcome' && node.watch && node.playbook)
    return { watch: new OutcomeWatch({ ...node, watch: node.watch, playbook: node.playbook }, ctx) };
  return {};
}

/** What the node view shows of an outcome's watch and a verification's progress. */
export function watchViews(watch: OutcomeWatch | undefined, verification: Verification | undefined) {
  return {
    ...(watch && { watch: { evaluation: watch.evaluate(), proposed: watch.proposed !== undefined } }),
    ...(verification && {
      verify: {
        evaluation: verification.evaluate(),
        deadline: verification.deadline,
        since: verification.since,
        failed: verification.failed,
      },
    }),
  };
}
