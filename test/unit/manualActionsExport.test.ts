import { describe, expect, it } from 'vitest';
import { commandsRun } from '../../src/export/commandsRun';
import { triageRuns } from '../../src/export/decisionPath';
import { stakeholderUpdates } from '../../src/export/stakeholderUpdates';
import type { JournalRecord } from '../../src/model/journalRecord';

const record = (seq: number, kind: string, payload: Record<string, unknown>) =>
  ({
    seq,
    ts: `2026-12-03T03:1${seq}:00.000Z`,
    kind,
    actor: 'alice@bastion',
    prev: '',
    payload,
  }) as JournalRecord;

describe('an action from a pane or the CLI in the draft', () => {
  const manual = [
    record(1, 'step.intent', {
      runId: 'a',
      step: 'restart api',
      host: 'local',
      argv: ['docker', 'restart', 'api'],
      dryRun: false,
      timeoutMs: 60_000,
    }),
    record(2, 'step.result', {
      runId: 'a',
      step: 'restart api',
      exitCode: 1,
      durationMs: 40,
      output: 'no such container',
      dryRun: false,
      timedOut: false,
      cancelled: false,
    }),
  ];
  const fromPlaybook = [
    record(3, 'step.intent', {
      runId: 'b',
      playbook: 'emergency-rollback',
      step: 'roll back',
      host: 'local',
      argv: ['true'],
      dryRun: false,
      timeoutMs: 60_000,
    }),
    record(4, 'step.result', {
      runId: 'b',
      playbook: 'emergency-rollback',
      step: 'roll back',
      exitCode: 2,
      durationMs: 40,
      output: '',
      dryRun: false,
      timedOut: false,
      cancelled: false,
    }),
  ];

  it('is a command run, not a triage run, and its failure is not runbook feedback', () => {
    expect(triageRuns(manual)).toEqual([]);
    const { commands, feedback } = commandsRun(manual);
    expect(commands.map((c) => c.argv.join(' '))).toEqual(['docker restart api']);
    expect(feedback).toEqual([]);
  });

  it('a playbook step still makes its run and its feedback', () => {
    expect(triageRuns([...manual, ...fromPlaybook]).map((r) => r.playbook)).toEqual(['emergency-rollback']);
    expect(commandsRun([...manual, ...fromPlaybook]).feedback).toEqual([
      'Step "roll back" failed with exit 2.',
    ]);
  });
});

describe('stakeholder updates in the draft', () => {
  it('lists each update with when each channel took it, each reminder, each outage once, and the longest stretch unheard', () => {
    const u = stakeholderUpdates([
      record(1, 'incident.declared', { title: 't', severity: 'P1', commander: 'alice' }),
      { ...record(2, 'update.due', { severity: 'P1', everyMs: 900_000 }), at: '2026-12-03T03:26:00.000Z' },
      record(3, 'incident.update', { text: 'Impact: api 12% 5xx.' }),
      record(4, 'notify.intent', {
        messageId: 'inc-1-3:ops',
        channel: 'ops',
        platform: 'slack',
        event: 'update',
        text: 'x',
      }),
      record(5, 'notify.result', {
        messageId: 'inc-1-3:ops',
        channel: 'ops',
        delivered: false,
        status: 503,
        detail: 'unavailable',
        attempts: 5,
      }),
      record(6, 'notify.result', {
        messageId: 'inc-1-3:ops',
        channel: 'ops',
        delivered: false,
        status: 503,
        detail: 'unavailable',
        attempts: 5,
      }),
      record(7, 'notify.result', {
        messageId: 'inc-1-3:ops',
        channel: 'ops',
        delivered: true,
        detail: 'ok',
        attempts: 1,
      }),
      record(8, 'incident.status', { status: 'resolved' }),
    ]);
    // In time order; the outage is two rows, however many tries it took.
    expect(u.rows.map((r) => r.what)).toEqual([
      'Update delivered to ops at 03:17:00Z (4m00s late): Impact: api 12% 5xx.',
      'ops stopped taking messages: unavailable',
      'ops took messages again',
      'Update due (every 15m00s)',
    ]);
    // Declared 03:11; heard 03:17 (when ops took it, not when it was written at 03:13); resolved 03:18.
    expect(u.longestGap).toBe('6m00s');
  });
});
