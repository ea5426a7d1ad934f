import { describe, expect, it } from 'vitest';
import { renderExport } from '../../src/cli/exportCommand';
import { buildPostmortem } from '../../src/export/postmortem';
import { foldIncident } from '../../src/incident/incidentState';
import type { JournalRecord } from '../../src/model/journalRecord';
import { createRedactor } from '../../src/text/redact';
import { scriptedJournal } from '../helpers/scriptedJournal';

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const min = 60_000;

/** A scripted incident: bad deploy at 03:00, critical rule fires 03:03, declared 03:05, rollback 03:09. */
function scripted(): JournalRecord[] {
  const { records, add } = scriptedJournal(T0);
  add(5 * min, 'incident.declared', { title: 'api 5xx after deploy', severity: 'P1', commander: 'alice' });
  add(
    5 * min + 1000,
    'release',
    { service: 'api', host: 'demo', from: 'v1.4.2', to: 'v1.5.0', reason: 'scheduled deploy' },
    0,
  );
  add(
    5 * min + 2000,
    'rule.fired',
    {
      service: 'api',
      rule: 'error-ratio-critical',
      description: '5xx ratio above 5% for 2m',
      value: 0.14,
      above: 0.05,
      forMs: 2 * min,
    },
    3 * min,
  );
  add(
    6 * min,
    'log.pinned',
    {
      source: 'api',
      line: '{"level":"error","msg":"TypeError","request_id":"req-1"}',
      context: ['ctx line'],
    },
    4 * min,
  );
  add(7 * min, 'decision.answered', {
    question: 'Is production down or severely degraded?',
    answer: 'yes',
    how: 'proposed from data, confirmed',
    evidence: 'api 1m 5xx 14.0% > 5%',
  });
  add(8 * min, 'step.intent', {
    runId: 'r1',
    step: 'Roll back api',
    host: 'local',
    argv: ['opsconsole', 'demo', 'rollback', 'api'],
    dryRun: false,
  });
  add(8 * min + 900, 'step.result', {
    runId: 'r1',
    step: 'Roll back api',
    exitCode: 0,
    durationMs: 900,
    output: 'api: rolled back v1.5.0 -> v1.4.2',
  });
  add(8 * min + 1000, 'step.skipped', { step: 'Notify the status page', reason: 'demo' });
  add(9 * min, 'incident.status', { status: 'monitoring' });
  add(11 * min, 'rule.cleared', {
    service: 'api',
    rule: 'error-ratio-critical',
    description: '5xx ratio above 5% for 2m',
    value: 0.01,
    above: 0.05,
    forMs: 2 * min,
  });
  add(
    12 * min,
    'note',
    { text: 'Add a canary stage before full rollout', actionItem: true },
    undefined,
    'bob@bastion',
  );
  add(12 * min + 500, 'event.starred', { eventSeq: 3 });
  add(13 * min, 'incident.role', { role: 'communications', person: 'bob' }, undefined, 'bob@bastion');
  add(15 * min, 'incident.status', { status: 'resolved' });
  return records;
}

describe('post-mortem export', () => {
  const state = foldIncident('inc-test', scripted());
  if (!state) throw new Error('fold failed');

  it('folds the journal into the incident state', () => {
    expect(state).toMatchObject({
      title: 'api 5xx after deploy',
      severity: 'P1',
      status: 'resolved',
      commander: 'alice',
      responders: ['alice', 'bob'],
    });
    expect(state.starred.has(3)).toBe(true);
    expect(state.roles).toEqual({ communications: 'bob' });
  });

  it('computes key times and durations exactly', () => {
    const pm = buildPostmortem(state);
    const at = (name: string) => pm.keyTimes.find((k) => k.name === name)?.at;
    expect(at('started')).toBe(new Date(T0 + 1 * min).toISOString()); // fired at 03:03 after 2m above the line
    expect(at('detected')).toBe(new Date(T0 + 3 * min).toISOString());
    expect(at('acknowledged')).toBe(new Date(T0 + 5 * min).toISOString());
    // No verification followed the rollback: the rules clearing stands in, and the draft says so.
    expect(at('mitigated')).toBe(new Date(T0 + 11 * min).toISOString());
    expect(pm.keyTimes.find((k) => k.name === 'mitigated')?.basis).toBe(
      'the rules cleared (no verified mitigation was recorded)',
    );
    expect(at('resolved')).toBe(new Date(T0 + 15 * min).toISOString());
    expect(pm.durations.map((d) => d.ms)).toEqual([2 * min, 2 * min, 10 * min, 14 * min]);
    expect(pm.impact).toEqual({
      peakErrorRatio: 0.14,
      timeAboveThresholdMs: 10 * min,
      servicesAffected: ['api'],
    });
  });

  it('renders every section of the Markdown draft in order', () => {
    const md = renderExport(state, 'md');
    const headings = md
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headings).toEqual([
      'Summary',
      'Impact',
      'Key times (UTC)',
      'Timeline (UTC)',
      'Decision path',
      'Commands run',
      'Stakeholder updates',
      'Evidence',
      'Trigger',
      'Root cause',
      'Contributing factors',
      'Detection',
      'Resolution',
      'What went well',
      'What went wrong',
      'Where we got lucky',
      'Action items',
      'Runbook feedback',
    ]);
    expect(md).toContain('| time to detect (started → detected) | 2m00s |');
    expect(md).toContain(
      '| 2026-11-21 03:00:00.000 |  | api v1.4.2 → v1.5.0 (scheduled deploy) | host demo | alice@bastion |',
    );
    expect(md).toContain(
      '| 2026-11-21 03:03:00.000 | ★ | api: 5xx ratio above 5% for 2m fired | 1m 5xx ratio 14.0% (line 5%) |',
    );
    expect(md).toContain(
      '1. Is production down or severely degraded? → **yes** (proposed from data, confirmed) — api 1m 5xx 14.0% > 5%',
    );
    expect(md).toContain('| Roll back api | local | `opsconsole demo rollback api` | 0 | 900ms |');
    expect(md).toContain(
      '- [ ] Add a canary stage before full rollout (bob@bastion, 2026-11-21T03:12:00.000Z)',
    );
    expect(md).toContain('- Step "Notify the status page" was skipped: demo.');
    expect(md).toContain('- Peak 5xx ratio: 14.0%');
  });

  it('exports the same content as JSON', () => {
    const json = JSON.parse(renderExport(state, 'json'));
    expect(json.header.id).toBe('inc-test');
    expect(json.timeline).toHaveLength(14);
    expect(json.header.roles).toEqual({ communications: 'bob' });
    expect(json.commands[0]).toMatchObject({ exitCode: 0, durationMs: 900, host: 'local' });
  });
});

describe('redaction', () => {
  const corpus = [
    'AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----',
    'Authorization: Bearer abcdefghijklmnop123456',
    'Authorization: Basic dXNlcjpwYXNzd29yZA==',
    'https://admin:hunter2secret@db.internal:5432/prod',
    'password=CorrectHorseBatteryStaple',
    '{"api_key": "sk_live_51Habcdefghijk"}',
    'literal-config-secret-value-42',
  ];
  const secretParts = [
    'IOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'MIIEpAIBAAKCAQEA7bq',
    'abcdefghijklmnop123456',
    'dXNlcjpwYXNzd29yZA',
    'hunter2secret',
    'CorrectHorseBatteryStaple',
    'sk_live_51Habcdefghijk',
    'literal-config-secret-value-42',
  ];

  it('never lets the secret corpus into an export', () => {
    const records = scripted();
    records.push({
      ...(records.at(-1) as JournalRecord),
      seq: 99,
      kind: 'note',
      payload: { text: corpus.join(' | '), actionItem: true },
    });
    records.push({
      ...(records.at(-1) as JournalRecord),
      seq: 100,
      kind: 'log.pinned',
      payload: { source: 'api', line: corpus.join(' '), context: corpus },
    });
    const state = foldIncident('inc-secret', records);
    if (!state) throw new Error('fold failed');
    for (const format of ['md', 'json'] as const) {
      const text = renderExport(state, format, ['literal-config-secret-value-42']);
      for (const part of secretParts) expect(text).not.toContain(part);
      expect(text).toContain('[REDACTED]');
    }
  });

  it('handles a 1 MiB line and hostile near-misses without catastrophic backtracking', () => {
    const redact = createRedactor(['s3cr3t-value']);
    const line = `${'a'.repeat(512 * 1024)}://${'b:'.repeat(100_000)}${'password='.repeat(10_000)}`.slice(
      0,
      1024 * 1024,
    );
    // Exponential backtracking would not finish within the test timeout; the speed itself is measured in `npm run bench`.
    const out = redact(line);
    expect(out.length).toBeGreaterThan(512 * 1024);
    expect(redact('x -----BEGIN PRIVATE KEY----- never ends')).toBe('x [REDACTED]:private-key');
  });
});

describe('log evidence in the draft', () => {
  it('shows each followed request through the services with its delays, and the 5xx ratio per minute', () => {
    const { records, add } = scriptedJournal(T0);
    add(0, 'incident.declared', { title: 'api 5xx', severity: 'P1', commander: 'alice' });
    for (let m = 1; m <= 3; m++)
      add(m * min, 'metrics.snapshot', {
        services: { api: { ratio1m: 0.05 * m, spark: '' }, 'we|b': { ratio1m: 0.01, spark: '' } },
      });
    const trail = (more?: number) => ({
      requestId: 'req-7f3a',
      reason: 'pivoted',
      lines: [
        { at: T0 + 1000, source: 'gateway', text: 'GET /checkout 502 ```' },
        { at: T0 + 1040, source: 'api', text: 'upstream failed' },
      ],
      ...(more && { more }),
    });
    add(2 * min, 'log.trail', trail());
    // Kept again later with more of it: the last one is the trail shown.
    add(3 * min, 'log.trail', trail(5));
    const state = foldIncident('inc-trail', records);
    if (!state) throw new Error('fold failed');
    const pm = buildPostmortem(state);
    expect(pm.evidence.trails).toHaveLength(1);
    expect(pm.evidence.ratesByMinute.rows.map((r) => r.ratios)).toEqual([
      [0.05, 0.01],
      [0.1, 0.01],
      [0.15000000000000002, 0.01],
    ]);
    const md = renderExport(state, 'md');
    expect(md).toContain('- Request req-7f3a (pivoted), 7 lines through the services:');
    expect(md).toContain("  03:00:01.000 +0ms gateway: GET /checkout 502 '''");
    expect(md).toContain('  03:00:01.040 +40ms api: upstream failed');
    expect(md).toContain('  … 5 more lines of it');
    expect(md).toContain('| minute | api | we\\|b |');
    expect(md).toContain('| 2026-11-21 03:02 | 10.0% | 1.0% |');
  });
});
