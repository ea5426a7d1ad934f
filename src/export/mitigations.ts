import { eventTime, type JournalRecord, type RecordOfKind, recordsOf } from '../model/journalRecord';

/** Words of a step that puts a previous release back. */
const ROLLBACK_WORDS = /\broll(?:ing|ed|s)?[ -]?back\b|\brollout\s+undo\b|\bundo\b|\brevert/i;

/** How long after a rollback step its release may be seen (a rollout takes minutes). */
const ROLLOUT_SEEN_WITHIN_MS = 10 * 60_000;

/** A step that ran for real and succeeded, and whether it was a rollback. */
export interface MitigationStep {
  step: string;
  argv: string[];
  startedAt: number;
  endedAt: number;
  rollback: boolean;
}

/** A mitigation that a verification step then proved: the end of mitigation. */
export interface VerifiedMitigation {
  step: MitigationStep;
  verify: string;
  evidence: string;
  at: number;
}

/** The steps that changed something: they ran for real (no dry run) and exited 0. */
export function mitigationSteps(records: readonly JournalRecord[]): MitigationStep[] {
  const intents = new Map<string, RecordOfKind<'step.intent'>>();
  const out: MitigationStep[] = [];
  for (const r of records) {
    if (r.kind === 'step.intent') intents.set(r.payload.runId, r);
    if (r.kind !== 'step.result' || r.payload.exitCode !== 0 || r.payload.dryRun) continue;
    const intent = intents.get(r.payload.runId);
    if (intent?.payload.dryRun) continue;
    const argv = intent?.payload.argv ?? [];
    out.push({
      step: r.payload.step,
      argv,
      startedAt: intent ? eventTime(intent) : eventTime(r),
      endedAt: eventTime(r),
      rollback: ROLLBACK_WORDS.test(`${r.payload.step} ${argv.join(' ')}`),
    });
  }
  return out;
}

/**
 * The end of the first mitigation whose verifications all passed: after a step that changed
 * something, the last of the verifications recorded before the next such step (a health check that
 * passes at once proves little; the error ratio held under its line for the rule's hold time does).
 */
export function verifiedMitigation(records: readonly JournalRecord[]): VerifiedMitigation | undefined {
  const steps = mitigationSteps(records);
  const verifications = recordsOf(records, 'verify.result');
  for (const [i, step] of steps.entries()) {
    const until = steps[i + 1]?.endedAt ?? Number.POSITIVE_INFINITY;
    const mine = verifications.filter((v) => eventTime(v) >= step.endedAt && eventTime(v) < until);
    const last = mine.at(-1);
    if (!last || mine.some((v) => !v.payload.passed)) continue;
    return { step, verify: last.payload.step, evidence: last.payload.evidence, at: eventTime(last) };
  }
  return undefined;
}

/** A change of version, from a release record or a diagnosis's account. */
export interface VersionChange {
  service: string;
  from?: string | null;
  to: string;
  at: number;
  rollback?: boolean;
}

/**
 * Which changes of version were rollbacks: marked so when seen (the release detector's evidence),
 * going back to a version the service ran before (any earlier change's from or to), or made by a
 * rollback step that names the service. A rollback is a mitigation, never a trigger.
 */
export function rollbackJudge(records: readonly JournalRecord[]): (c: VersionChange) => boolean {
  const changes: VersionChange[] = [
    ...recordsOf(records, 'release').map((r) => ({ ...r.payload, at: eventTime(r) })),
    ...recordsOf(records, 'diagnosis').flatMap((r) =>
      r.payload.change ? [{ ...r.payload.change, at: Date.parse(r.payload.change.at) }] : [],
    ),
  ].sort((a, b) => a.at - b.at);
  const rollbackSteps = mitigationSteps(records).filter((s) => s.rollback);
  const byStep = (c: VersionChange) =>
    rollbackSteps.some(
      (s) =>
        c.at >= s.startedAt &&
        c.at <= s.endedAt + ROLLOUT_SEEN_WITHIN_MS &&
        `${s.step} ${s.argv.join(' ')}`.split(/[\s/:=]+/).includes(c.service),
    );
  const sameChange = (a: VersionChange, b: VersionChange) =>
    (a.from ?? '') === (b.from ?? '') && a.to === b.to;
  const ranBefore = (c: VersionChange) =>
    c.to !== c.from &&
    changes.some(
      (e) =>
        e.service === c.service && e.at < c.at && !sameChange(e, c) && (e.from === c.to || e.to === c.to),
    );
  return (c) => c.rollback === true || ranBefore(c) || byStep(c);
}
