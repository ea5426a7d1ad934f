import { describe, expect, it } from 'vitest';
import type { IncidentState } from '../../src/incident/incidentState';
import type { JournalRecord } from '../../src/model/journalRecord';
import { eventOf, messageFor } from '../../src/notify/incidentMessages';

const declared = {
  seq: 1,
  ts: '2026-12-03T03:10:00.000Z',
  kind: 'incident.declared',
  actor: 'alice@bastion-1.corp.internal',
  prev: '',
  payload: { title: 'checkout slow', severity: 'P1', commander: 'alice@bastion-1.corp.internal' },
} as JournalRecord;
const state = {
  id: 'inc-20261203-0310',
  title: 'checkout slow',
  severity: 'P1',
  status: 'investigating',
  commander: 'alice@bastion-1.corp.internal',
  declaredAt: Date.parse('2026-12-03T03:10:00Z'),
} as IncidentState;

describe('the message a journal record makes', () => {
  it('names no host unless the channel allows links, and then says how to join', () => {
    const plain = messageFor(declared, state, { links: false, join: 'opsconsole attach bastion-1:2222' });
    expect(JSON.stringify(plain)).not.toContain('bastion-1');
    expect(plain).toMatchObject({
      event: 'declared',
      title: '[P1] checkout slow',
      headline: 'Incident declared by alice',
      lines: [],
    });
    const linked = messageFor(declared, state, { links: true, join: 'opsconsole attach bastion-1:2222' });
    expect(linked?.headline).toBe('Incident declared by alice@bastion-1.corp.internal');
    expect(linked?.lines).toEqual(['Join: opsconsole attach bastion-1:2222']);
  });

  it('tells of what changes the incident’s course, not of notes, pins or its own deliveries', () => {
    const kinds = (kind: string, payload: Record<string, unknown>) =>
      eventOf({ ...declared, kind, payload } as JournalRecord);
    expect(kinds('incident.status', { status: 'resolved' })).toBe('resolved');
    expect(kinds('incident.status', { status: 'identified' })).toBe('status');
    expect(kinds('incident.role', { role: 'commander', person: 'bob' })).toBe('commander');
    expect(kinds('incident.role', { role: 'scribe', person: 'bob' })).toBeUndefined();
    expect(kinds('step.result', { dryRun: true })).toBeUndefined();
    expect(kinds('note', { text: 'x' })).toBeUndefined();
    expect(kinds('notify.result', { delivered: true })).toBeUndefined();
  });

  it('an update of several lines is several lines, each made safe, not one with control pictures', () => {
    const update = {
      ...declared,
      seq: 2,
      kind: 'incident.update',
      payload: { text: 'Impact: checkout.\r\nNext:\u001b[31m 03:45Z' },
    } as JournalRecord;
    const m = messageFor(update, state, { links: false });
    expect([m?.headline, m?.lines]).toEqual(['Impact: checkout.', ['Next: 03:45Z']]);
  });
});

describe('chat in the timeline', () => {
  it('keeps a channel’s refusal, not the bookkeeping of every message sent', async () => {
    const { timelineRows } = await import('../../src/incident/timeline');
    const r = (seq: number, kind: string, payload: Record<string, unknown>) =>
      ({ ...declared, seq, ts: `2026-12-03T03:1${seq}:00.000Z`, kind, payload }) as JournalRecord;
    const rows = timelineRows([
      declared,
      r(2, 'notify.intent', {
        messageId: 'm',
        channel: 'ops',
        platform: 'slack',
        event: 'declared',
        text: 't',
      }),
      r(3, 'notify.result', { messageId: 'm', channel: 'ops', delivered: true, detail: 'ok', attempts: 1 }),
      r(4, 'notify.result', {
        messageId: 'n',
        channel: 'execs',
        delivered: false,
        status: 404,
        detail: 'no_service',
        attempts: 1,
      }),
    ]);
    expect(rows.map((x) => x.text)).toEqual([
      expect.stringMatching(/^Incident declared/),
      'execs stopped taking messages: no_service',
    ]);
  });
});
