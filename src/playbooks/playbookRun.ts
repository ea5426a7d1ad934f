import { UNTICKED } from '../model/journalRecord';
import {
  type Evaluation,
  type PlaybookNodeView,
  type StepResult,
  stepSucceeded,
} from '../model/playbookView';
import { evaluateCondition } from './evaluateCondition';
import { nodeView } from './nodeView';
import type { OutcomeWatch, Verification } from './nodeWatch';
import { watchesOf, watchViews } from './nodeWatch';
import { planStep, type StepPlan, validateParameter } from './parameters';
import type { PlaybookRunContext } from './runContext';
import { answerLabel, fillCondition, howAnswered, withTitle } from './runWording';
import type { Playbook, PlaybookNode } from './schema';
import { confirmationWordFor, PlaybookRunError, runCommandStep, stepToRun } from './stepRunner';
import { variantRoute } from './variantRoute';

const DRY_RUN_BEFORE = 'the step before it was a dry run: nothing changed';

/**
 * One walk through a playbook: the current node, the answers given, the steps run. Every move is
 * recorded through `record` before the view changes. Questions with a condition get a proposed
 * answer from live data; the operator confirms or overrides it, and the record says which.
 */
export class PlaybookRun {
  private nodeId: string;
  private ticked = new Set<number>();
  /** When the last step that ran for real finished successfully: verifications count from there. */
  private stepFinishedAt: number | undefined;
  private trail: string[] = [];
  private running: AbortController | undefined;
  private lastResult: StepResult | undefined;
  /** Why a verification now would show nothing: the step before it was skipped, failed or a dry run. */
  private unverifiable: string | undefined;
  /** At a verification step, its check; at an outcome that watches, its watch. */
  private verification: Verification | undefined;
  private watch: OutcomeWatch | undefined;
  dryRun = false;
  readonly values: Record<string, string>;
  /** The deploy kind: known up front, or answered at the playbook's deploy-kind question. */
  private kind: string | undefined;

  constructor(
    readonly playbook: Playbook,
    private readonly ctx: PlaybookRunContext,
  ) {
    this.values = { ...ctx.values };
    this.kind = ctx.variant;
    for (const [name, spec] of Object.entries(playbook.parameters)) {
      if (this.values[name] === undefined && spec.default !== undefined)
        this.values[name] = String(spec.default);
    }
    this.nodeId = playbook.start;
    this.enter(playbook.start);
  }

  private get now(): number {
    return (this.ctx.now ?? Date.now)();
  }

  /** The current node, its title filled with the run's parameters: as shown, so as recorded. */
  get node(): PlaybookNode {
    return withTitle(this.playbook.nodes[this.nodeId] as PlaybookNode, this.values);
  }

  get currentId(): string {
    return this.nodeId;
  }

  /** The service's deploy kind, once known (up front or answered). */
  get deployKind(): string | undefined {
    return this.kind;
  }

  /** Where a move to `id` lands (see `variantRoute`); when `entering`, the kinds passed are recorded. */
  private resolve(id: string | undefined, entering = false): string | undefined {
    const { next, answered } = variantRoute(this.playbook, id, this.kind);
    if (entering)
      for (const a of answered) {
        this.ctx.record('decision.answered', {
          playbook: this.playbook.id,
          node: a.nodeId,
          question: a.question,
          answer: a.label,
          how: `the deploy kind is known: ${this.ctx.variantEvidence ?? this.kind}`,
          proposed: null,
          evidence: this.ctx.variantEvidence ?? '',
        });
        this.trail.push(`${a.question} → ${a.label}`);
      }
    return next;
  }

  /** Moves to `id`, passing over steps of other deploy variants. */
  private enter(id: string | undefined): void {
    const next = this.resolve(id, true);
    if (!next)
      throw new PlaybookRunError(`playbook ${this.playbook.id} ends without an outcome after ${this.nodeId}`);
    this.nodeId = next;
    this.ticked = new Set();
    this.lastResult = undefined;
    const node = this.node;
    ({ verification: this.verification, watch: this.watch } = watchesOf(
      node,
      { ...this.ctx, playbook: this.playbook.id, nodeId: next, fill: (c) => fillCondition(c, this.values) },
      this.stepFinishedAt,
    ));
    if (this.verification && this.unverifiable) this.verification.failNow(this.unverifiable);
    if (node.kind === 'question')
      this.ctx.record('decision.shown', { playbook: this.playbook.id, node: next, question: node.question });
    if (node.kind === 'checklist') this.tickFromData(node);
    this.publish();
  }

  proposal(): Evaluation | undefined {
    const node = this.node;
    if (node.kind !== 'question' || !node.condition) return undefined;
    return evaluateCondition(node.condition, this.ctx.facts());
  }

  /** Answers the current question: "yes", "no", or a choice index as text. */
  /** `inRow`: accepted with the data's other answers in one key, not confirmed one by one. */
  answer(answer: string, inRow = false): void {
    const node = this.node;
    if (node.kind !== 'question') throw new PlaybookRunError('the current node is not a question');
    const target = node.choices
      ? node.choices[Number(answer)]?.next
      : answer === 'yes'
        ? node.yes
        : answer === 'no'
          ? node.no
          : undefined;
    if (!target) throw new PlaybookRunError(`"${answer}" is not an answer to this question`);
    const proposal = this.proposal();
    const reached = this.playbook.nodes[target];
    this.ctx.record('decision.answered', {
      playbook: this.playbook.id,
      node: this.nodeId,
      question: node.question,
      answer: answerLabel(node, answer),
      how: howAnswered(proposal, answer, inRow),
      proposed: proposal?.verdict ?? null,
      evidence: proposal?.evidence.join('; ') ?? '',
      ...(reached?.kind === 'outcome' && { outcome: reached.outcome }),
    });
    this.trail.push(`${node.question} → ${answerLabel(node, answer)}`);
    const kind = node.choices?.[Number(answer)]?.variant;
    if (kind) this.kind = kind;
    this.enter(target);
  }

  /** Ticks the items whose check the data answers yes, each recorded with its evidence. */
  private tickFromData(node: Extract<PlaybookNode, { kind: 'checklist' }>): void {
    node.checks.forEach((check, i) => {
      if (!check) return;
      const e = evaluateCondition(fillCondition(check, this.values), this.ctx.facts());
      if (e.verdict !== 'yes') return;
      this.ticked.add(i);
      this.ctx.record('checklist.ticked', {
        playbook: this.playbook.id,
        node: this.nodeId,
        item: node.checklist[i] as string,
        evidence: `from the data: ${e.evidence.join('; ')}`,
      });
    });
  }

  toggleTick(index: number): void {
    const node = this.node;
    if (node.kind !== 'checklist') return;
    const item = node.checklist[index];
    if (item === undefined) return;
    if (this.ticked.has(index)) this.ticked.delete(index);
    else {
      this.ticked.add(index);
      this.ctx.record('checklist.ticked', { playbook: this.playbook.id, node: this.nodeId, item });
    }
    this.publish();
  }

  /** Leaves a checklist (unticked items are noted as runbook feedback) or a finished step. */
  continue(): void {
    const node = this.node;
    if (node.kind === 'checklist') {
      const open = node.checklist.filter((_, i) => !this.ticked.has(i));
      for (const item of open)
        this.ctx.record('step.skipped', {
          playbook: this.playbook.id,
          step: item,
          reason: UNTICKED,
        });
      this.enter(node.next);
      return;
    }
    if ((node.kind === 'command' || node.kind === 'shell') && this.lastResult) {
      // A step that failed is run again or skipped, never passed over as if it had worked.
      if (!stepSucceeded(this.lastResult)) return;
      this.unverifiable = this.lastResult.dryRun ? DRY_RUN_BEFORE : undefined;
      this.enter(node.next);
      return;
    }
    if (node.kind === 'verify' && this.verification?.failed) this.enter(node.otherwise ?? node.next);
    else if (node.kind === 'verify' && this.verification?.evaluate().verdict === 'yes') this.enter(node.next);
  }

  /** Passes over a step; a verification passed over leads where a failed one does (`otherwise`). */
  skipStep(reason: string): void {
    const node = this.node;
    if (node.kind === 'question' || node.kind === 'outcome') return;
    this.ctx.record('step.skipped', {
      playbook: this.playbook.id,
      step: node.title,
      reason,
      ...(node.kind === 'verify' && { verification: true }),
    });
    if (node.kind !== 'verify' && node.kind !== 'checklist')
      this.unverifiable = `the step before it was skipped: ${node.title}`;
    this.enter(node.kind === 'verify' ? (node.otherwise ?? node.next) : node.next);
  }

  /**
   * At an outcome that names a playbook: the one to continue with. An outcome that watches records
   * the decision, with what the data said then (proposed, or not yet: rolled back before it held).
   */
  acceptOutcome(): string | undefined {
    const node = this.node;
    if (node.kind !== 'outcome' || !node.playbook) return undefined;
    if (this.watch) this.trail.push(this.watch.accept());
    return node.playbook;
  }

  /** An outcome that watches re-checks its condition; the first time it holds, the console proposes. */
  tickWatch(): void {
    if (!this.watch) return;
    this.watch.tick();
    this.publish();
  }

  /** Argv and host of the current command step, with parameters filled (or the ones missing). */
  commandPlan(): StepPlan | undefined {
    return planStep(this.node, this.values);
  }

  setParameter(name: string, value: string): void {
    const spec = this.playbook.parameters[name];
    this.values[name] = spec ? validateParameter(name, spec, value) : value;
    this.publish();
  }

  /** What a destructive step asks the operator to type: the service, else the host. */
  confirmationWord(): string | undefined {
    return confirmationWordFor(this.node, this.values.service, () => this.commandPlan()?.host);
  }

  /**
   * Runs the current command step: intent recorded before, result after; a dry run executes nothing
   * (or the step's own `run.dryRun`). A destructive step needs `typed` to equal `confirmationWord()`.
   */
  async runStep(typed?: string): Promise<StepResult> {
    const node = this.node;
    if (node.kind !== 'command' && node.kind !== 'shell')
      throw new PlaybookRunError('the current node is not a command step');
    if (this.running) throw new PlaybookRunError('a step is already running');
    const dryRun = this.dryRun;
    const step = stepToRun(this.playbook.id, node, this.commandPlan(), dryRun, {
      word: this.confirmationWord(),
      typed,
    });
    const running = new AbortController();
    if (!dryRun || step.executeDryRun) {
      this.running = running;
      this.publish();
    }
    try {
      this.stepFinishedAt = undefined;
      this.lastResult = await runCommandStep(step, {
        record: this.ctx.record,
        target: this.ctx.targetFor(step.host),
        signal: running.signal,
      });
      // A step that changed something (not a dry run, exit 0): what follows is judged from here on.
      if (!dryRun && this.lastResult.exitCode === 0) {
        this.stepFinishedAt = this.now;
        this.unverifiable = undefined;
      }
    } finally {
      this.running = undefined;
    }
    const result = this.lastResult;
    // Its verification starts at once, on screen: nothing to read before it but the exit status.
    if (this.stepFinishedAt !== undefined && this.nodeAt(node.next)?.kind === 'verify') {
      this.trail.push(`${node.title} → exit 0`);
      this.enter(node.next);
    } else this.publish();
    return result;
  }

  /** Stops a running step (Ctrl-C): the process is killed and the result says cancelled. */
  cancelStep(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  private nodeAt(id: string | undefined): PlaybookNode | undefined {
    const resolved = this.resolve(id);
    return resolved ? this.playbook.nodes[resolved] : undefined;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Re-checks a verification step; passes move on, a missed deadline marks it failed. */
  tickVerify(): void {
    const node = this.node;
    if (node.kind !== 'verify' || !this.verification) return;
    if (this.verification.tick() === 'passed') this.enter(node.next);
    else this.publish();
  }

  view(): PlaybookNodeView {
    const node = this.node;
    const proposal = this.proposal();
    const plan = this.commandPlan();
    return nodeView({
      playbook: this.playbook,
      nodeId: this.nodeId,
      node,
      ticked: this.ticked,
      trail: this.trail,
      running: this.running !== undefined,
      dryRun: this.dryRun,
      ...(this.lastResult && { lastResult: this.lastResult }),
      ...(proposal && { proposal }),
      ...(plan && { plan }),
      ...watchViews(this.watch, this.verification),
    });
  }

  toggleDryRun(): void {
    this.dryRun = !this.dryRun;
    this.publish();
  }

  private publish(): void {
    this.ctx.onChange(this.view());
  }
}
