import { z } from 'zod';

/**
 * The incident journal's records: an envelope (sequence, times, actor, hash of the line before)
 * around a payload whose shape depends on the kind. Other processes and older versions write these
 * files, so every record read is parsed against its kind's schema; one that does not parse is
 * reported, never cast. Payloads are plain JSON, already redacted. Schemas accept fields they do
 * not know, so a newer writer's additions do not make a record unreadable.
 */

const optionalText = z.string().optional();

/** The reason a `step.skipped` record gives for a checklist item passed over without a tick. */
export const UNTICKED = 'checklist item left unticked';

const RulePayload = z.looseObject({
  service: z.string(),
  rule: z.string(),
  description: optionalText,
  value: z.number(),
  above: z.number(),
  /** How long the rule held before firing: the breach began that long before the record. */
  forMs: z.number().optional(),
  text: optionalText,
});

const Matcher = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().default(true),
});

export const PAYLOAD_SCHEMAS = {
  'incident.declared': z.looseObject({
    title: z.string(),
    severity: z.string(),
    commander: z.string(),
    startedAt: optionalText,
  }),
  'incident.severity': z.looseObject({ severity: z.string() }),
  /**
   * A status change; `despite` lists what argued against it when the operator confirmed it anyway
   * (resolved while a rule fired, or after a verification that failed or was skipped).
   */
  'incident.status': z.looseObject({ status: z.string(), despite: z.array(z.string()).optional() }),
  'incident.role': z.looseObject({ role: z.string(), person: z.string() }),
  note: z.looseObject({ text: z.string(), actionItem: z.boolean().default(false) }),
  'note.action-item': z.looseObject({ noteSeq: z.number().int() }),
  'event.starred': z.looseObject({ eventSeq: z.number().int(), starred: z.boolean().default(true) }),
  'rule.fired': RulePayload,
  'rule.cleared': RulePayload,
  release: z.looseObject({
    service: z.string(),
    to: z.string(),
    from: z.string().nullish(),
    host: optionalText,
    reason: optionalText,
    /** Back to a version that ran before: a mitigation, never the trigger. */
    rollback: z.boolean().optional(),
    text: optionalText,
  }),
  /** An Alertmanager alert the incident was declared from or linked to; `at` is its startsAt. */
  'alert.firing': z.looseObject({
    fingerprint: z.string(),
    name: z.string(),
    state: z.string(),
    severity: z.string(),
    labels: z.record(z.string(), z.string()),
    summary: optionalText,
  }),
  /** A linked alert no longer held by Alertmanager: it resolved. */
  'alert.resolved': z.looseObject({
    fingerprint: z.string(),
    name: z.string(),
    labels: z.record(z.string(), z.string()),
  }),
  /** The data's account of the incident as it stood (see model/diagnosis): the draft's suggestions. */
  diagnosis: z.looseObject({
    summary: z.string(),
    errorsBeganAt: optionalText,
    change: z
      .looseObject({
        service: z.string(),
        from: optionalText,
        to: z.string(),
        at: z.string(),
        delayMs: z.number().optional(),
      })
      .optional(),
    patterns: z
      .array(
        z.looseObject({
          service: z.string(),
          template: z.string(),
          count: z.number(),
          firstSeen: z.string(),
          kind: z.string(),
        }),
      )
      .default([]),
    origin: z.looseObject({ service: z.string(), share: z.number(), requests: z.number() }).optional(),
  }),
  /** About to ask Alertmanager for a silence: what it will match, for how long, and why. */
  'silence.intent': z.looseObject({
    matchers: z.array(Matcher),
    durationMs: z.number(),
    comment: z.string(),
    catches: z.number(),
  }),
  /** What Alertmanager answered: the silence id, or why there is none. */
  'silence.result': z.looseObject({
    matchers: z.array(Matcher),
    silenceId: optionalText,
    endsAt: optionalText,
    error: optionalText,
  }),
  'silence.expired': z.looseObject({ silenceId: z.string(), error: optionalText }),
  'source.state': z.looseObject({
    source: z.string(),
    state: z.string(),
    reason: optionalText,
    /** A flapping link's summary: the changes folded into it, the first at `since` (epoch ms). */
    count: z.number().optional(),
    since: z.number().optional(),
    text: optionalText,
  }),
  'container.state': z.looseObject({
    name: z.string(),
    state: z.string(),
    count: z.number().optional(),
    restarts: z.number().optional(),
    exitCode: z.number().optional(),
    text: optionalText,
  }),
  'cluster.event': z.looseObject({
    namespace: z.string(),
    object: z.string(),
    reason: z.string(),
    message: z.string(),
    count: z.number().optional(),
    text: optionalText,
  }),
  'log.pinned': z.looseObject({
    source: z.string(),
    line: z.string(),
    context: z.array(z.string()).default([]),
  }),
  /** A request's lines across every service, from the log store, when the operator pinned or pivoted on it. */
  'log.trail': z.looseObject({
    requestId: z.string(),
    /** Why it was kept: "pinned" or "pivoted". */
    reason: z.string(),
    lines: z.array(z.looseObject({ at: z.number(), source: z.string(), text: z.string() })),
    /** Lines of the request left out past the first ones kept. */
    more: z.number().optional(),
  }),
  'metrics.snapshot': z.looseObject({
    services: z.record(
      z.string(),
      z.looseObject({ ratio1m: z.number().nullish(), ratio5m: z.number().nullish(), spark: optionalText }),
    ),
  }),
  'decision.shown': z.looseObject({ playbook: optionalText, node: optionalText, question: z.string() }),
  'decision.answered': z.looseObject({
    playbook: optionalText,
    node: optionalText,
    question: z.string(),
    answer: z.string(),
    how: z.string(),
    proposed: z.string().nullish(),
    evidence: z.string().default(''),
    /** The outcome the answer led to, when it ended the run ("Emergency rollback"). */
    outcome: optionalText,
  }),
  'checklist.ticked': z.looseObject({ playbook: optionalText, node: optionalText, item: z.string() }),
  'step.intent': z.looseObject({
    runId: z.string(),
    playbook: optionalText,
    step: z.string(),
    host: z.string(),
    argv: z.array(z.string()),
    dryRun: z.boolean().default(false),
    timeoutMs: z.number().optional(),
  }),
  'step.result': z.looseObject({
    runId: z.string(),
    playbook: optionalText,
    step: z.string(),
    exitCode: z.number(),
    durationMs: z.number(),
    output: z.string(),
    outputBytes: z.number().optional(),
    timedOut: z.boolean().default(false),
    cancelled: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  }),
  /** A step passed over; `verification` when it was a verification (its effect then is unproven). */
  'step.skipped': z.looseObject({
    playbook: optionalText,
    step: z.string(),
    reason: z.string(),
    verification: z.boolean().optional(),
  }),
  'verify.result': z.looseObject({
    playbook: optionalText,
    step: z.string(),
    passed: z.boolean(),
    evidence: z.string(),
  }),
  'export.written': z.looseObject({ path: z.string(), format: z.string() }),
  /** A stakeholder update fell due and none was sent yet: the reminder, at the time it fell due. */
  'update.due': z.looseObject({ severity: z.string(), everyMs: z.number() }),
  /** A stakeholder update the operator sent (`u`, `incident update`): its text, as sent. */
  'incident.update': z.looseObject({ text: z.string() }),
  /** A message about to go to a chat channel: journaled before it is sent. */
  'notify.intent': z.looseObject({
    messageId: z.string(),
    channel: z.string(),
    platform: z.string(),
    event: z.string(),
    text: z.string(),
  }),
  /** How that message's delivery ended: delivered, refused (and why), or given up on for now. */
  'notify.result': z.looseObject({
    messageId: z.string(),
    channel: z.string(),
    delivered: z.boolean(),
    status: z.number().optional(),
    detail: z.string(),
    attempts: z.number().int(),
  }),
  'journal.recovered': z.looseObject({
    reason: z.string(),
    droppedBytes: z.number().optional(),
    damage: optionalText,
    keptAt: optionalText,
    records: z.number().optional(),
    unreadable: z.array(z.looseObject({ line: z.number(), text: z.string() })).optional(),
    outOfOrder: z.array(z.string()).optional(),
  }),
} as const;

export type RecordKind = keyof typeof PAYLOAD_SCHEMAS;

/** Every kind of record an incident journal holds, in the order the timeline filter cycles them. */
export const RECORD_KINDS = Object.keys(PAYLOAD_SCHEMAS) as RecordKind[];

/** A payload as written (defaults may be left out). */
export type PayloadInput<K extends RecordKind> = z.input<(typeof PAYLOAD_SCHEMAS)[K]>;
/** A payload as read (defaults filled in). */
export type Payload<K extends RecordKind> = z.output<(typeof PAYLOAD_SCHEMAS)[K]>;

interface Envelope {
  seq: number;
  /** When it was recorded, UTC ISO-8601 with milliseconds. */
  ts: string;
  /** When it happened, when that differs (backdated notes, pinned log lines, observations). */
  at?: string;
  /** user@host */
  actor: string;
  /** SHA-256 of the previous record's line, or all zeros for the first. */
  prev: string;
}

export type JournalRecord = { [K in RecordKind]: Envelope & { kind: K; payload: Payload<K> } }[RecordKind];

const EnvelopeSchema = z.object({
  seq: z.number().int().positive(),
  ts: z.string(),
  at: z.string().optional(),
  kind: z.enum(Object.keys(PAYLOAD_SCHEMAS) as [RecordKind, ...RecordKind[]]),
  actor: z.string(),
  payload: z.record(z.string(), z.unknown()),
  prev: z.string(),
});

/**
 * A parsed line: not a record at all (the chain is damaged there), a record whose payload does not
 * fit its kind (reported, left out of the incident's state), or a record.
 */
export type ParsedRecord =
  | { ok: true; record: JournalRecord }
  | { ok: false; envelope?: { seq: number; kind: RecordKind }; reason: string };

export function parseRecord(value: unknown): ParsedRecord {
  const envelope = EnvelopeSchema.safeParse(value);
  if (!envelope.success) return { ok: false, reason: 'not a journal record' };
  const { kind, seq } = envelope.data;
  const payload = PAYLOAD_SCHEMAS[kind].safeParse(envelope.data.payload);
  if (!payload.success) {
    const issue = payload.error.issues[0];
    return {
      ok: false,
      envelope: { seq, kind },
      reason: `its ${kind} payload does not parse: ${issue?.path.join('.') || 'payload'}: ${issue?.message}`,
    };
  }
  return { ok: true, record: { ...envelope.data, payload: payload.data } as JournalRecord };
}

/** Checks a payload before it is written: a writer's bug must not become a record nobody can read. */
export function validatePayload<K extends RecordKind>(kind: K, payload: PayloadInput<K>): Payload<K> {
  return PAYLOAD_SCHEMAS[kind].parse(payload) as Payload<K>;
}

/** The time an event happened: its `at` if it has one, else when it was recorded. */
export function eventTime(r: { at?: string; ts: string }): number {
  return Date.parse(r.at ?? r.ts);
}

/** Where a journal first stops being a valid hash chain, in words an operator can act on. */
export interface JournalDamage {
  /** 1-based line number in the file. */
  line: number;
  /** The record's seq when the line parsed. */
  seq?: number;
  reason: string;
}

export function describeDamage(d: JournalDamage): string {
  return `line ${d.line}${d.seq !== undefined ? ` (record #${d.seq})` : ''}: ${d.reason}`;
}

/** A record that is part of the chain but whose payload could not be read. */
export interface UnreadableRecord {
  line: number;
  seq: number;
  kind: RecordKind;
  reason: string;
}

export type RecordOfKind<K extends RecordKind> = Extract<JournalRecord, { kind: K }>;

/** The records of one kind, typed by it. */
export function recordsOf<K extends RecordKind>(
  records: readonly JournalRecord[],
  kind: K,
): RecordOfKind<K>[] {
  return records.filter((r): r is RecordOfKind<K> => r.kind === kind);
}
