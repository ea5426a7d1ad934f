import { describe, expect, it } from 'vitest';
import { buildPostmortem, renderPostmortemMarkdown } from '../../src/export/postmortem';
import { foldIncident, type IncidentState } from '../../src/incident/incidentState';
import { timelineOf } from '../../src/incident/timeline';
import { scriptedJournal } from '../helpers/scriptedJournal';

const T0 = Date.UTC(2026, 10, 21, 3, 30, 0);
const min = 60_000;
const at = (offset: number) => new Date(T0 + offset).toISOString();
const apiAlert = { alertname: 'HighErrorRate', service: 'api', severity: 'critical' };

/**
 * Issue 24's walk: api v1.5.0 is deployed at 03:30, the team's alert fires at 03:33 and the incident
 * is declared from it; two triage runs (the first abandoned), an emergency rollback at 03:43 verified
 * at 03:45, and a last diagnosis, recorded once the early errors had left its window, that names the
 * rollback as the latest release (an older console did not mark it a rollback).
 */
function walk() {
  const { records, add } = scriptedJournal(T0);
  const decided = (offset: number, node: string, question: string, answer: string, outcome?: string) =>
    add(offset, 'decision.answered', {
      playbook: 'triage',
      node,
      question,
      answer,
      how: 'proposed from live data, confirmed',
      evidence: '',
      ...(outcome && { outcome }),
    });
  add(5 * min, 'incident.declared', { title: 'api 5xx', severity: 'P1', commander: 'alice' });
  add(
    5 * min + 1,
    'alert.firing',
    { fingerprint: 'f1', name: 'HighErrorRate', state: 'firing', severity: 'critical', labels: apiAlert },
    3 * min,
  );
  add(
    5 * min + 2,
    'release',
    { service: 'api', host: 'k8s', from: 'v1.4.2', to: 'v1.5.0', reason: 'rollout' },
    0,
  );
  add(6 * min, 'diagnosis', {
    summary: 'api v1.5.0 at 03:30:00, errors 20s later',
    errorsBeganAt: at(20_000),
    change: { service: 'api', from: 'v1.4.2', to: 'v1.5.0', at: at(0), delayMs: 20_000 },
    patterns: [
      { service: 'api', template: 'pricing lookup failed', count: 40, firstSeen: at(20_000), kind: 'new' },
      {
        service: 'web',
        template: 'upstream api answered 500',
        count: 30,
        firstSeen: at(25_000),
        kind: 'spiking',
      },
    ],
  });
  add(6 * min + 1, 'metrics.snapshot', { services: { api: { ratio1m: 0.31 }, web: { ratio1m: 0.198 } } });
  decided(7 * min, 'down', 'Is production down or severely degraded?', 'yes');
  decided(7 * min + 10_000, 'deployed', 'Was anything deployed in the last hour?', 'yes');
  // The operator started the triage over.
  decided(8 * min, 'down', 'Is production down or severely degraded?', 'yes');
  decided(8 * min + 10_000, 'deployed', 'Was anything deployed in the last hour?', 'yes');
  decided(8 * min + 20_000, 'safe', 'Is a rollback safe?', 'yes', 'Emergency rollback');
  add(13 * min - 1000, 'step.skipped', {
    playbook: 'emergency-rollback',
    step: 'Engineering lead told',
    reason: 'checklist item left unticked',
  });
  add(13 * min, 'step.intent', {
    runId: 'r1',
    playbook: 'emergency-rollback',
    step: 'Roll the deployment back to the previous revision',
    host: 'local',
    argv: ['opsconsole', 'rollout', 'undo', 'deployment/api', '--namespace', 'prod'],
  });
  add(13 * min + 2000, 'step.result', {
    runId: 'r1',
    playbook: 'emergency-rollback',
    step: 'Roll the deployment back to the previous revision',
    exitCode: 0,
    durationMs: 2000,
    output: 'deployment.apps/api rolled back\nrevision 7 -> 6\n',
  });
  add(13 * min + 3003, 'release', {
    service: 'api',
    host: 'k8s',
    from: 'v1.5.0',
    to: 'v1.4.2',
    reason: 'rollout',
  });
  // Passes at once (nothing was failing): it must not be taken for the end of the mitigation.
  add(13 * min + 5000, 'verify.result', {
    playbook: 'emergency-rollback',
    step: 'Health checks pass again',
    passed: true,
    evidence: 'no health check failing',
  });
  add(14 * min, 'rule.cleared', {
    service: 'api',
    rule: 'error-ratio-critical',
    description: '5xx ratio above 5% for 2m',
    value: 0.02,
    above: 0.05,
  });
  add(15 * min, 'verify.result', {
    playbook: 'emergency-rollback',
    step: 'Error rate back under its line',
    passed: true,
    evidence: 'api 1m 5xx 0.4% < 5%',
  });
  add(15 * min + 30_000, 'diagnosis', {
    summary: 'api v1.4.2 at 03:43:03',
    change: { service: 'api', from: 'v1.5.0', to: 'v1.4.2', at: at(13 * min + 3003) },
    patterns: [],
  });
  add(17 * min, 'alert.resolved', { fingerprint: 'f1', name: 'HighErrorRate', labels: apiAlert });
  add(20 * min, 'incident.status', { status: 'resolved' });
  const state = foldIncident('inc-24', records);
  if (!state) throw new Error('no incident');
  return state;
}

describe('the post-mortem of a rolled-back deploy (issue 24)', () => {
  const state = walk();
  const pm = buildPostmortem(state);
  const md = renderPostmortemMarkdown(pm);

  it('names the bad deploy as the trigger and the rollback as the mitigation, never the other way', () => {
    expect(pm.suggested.trigger).toEqual([
      `api v1.4.2 → v1.5.0 was released at ${at(0)}; errors began 20s later, at ${at(20_000)}.`,
    ]);
    expect(pm.suggested.resolution[0]).toBe(
      `api was rolled back v1.5.0 → v1.4.2 at ${at(13 * min + 3003)} — a mitigation, not the trigger.`,
    );
    expect(md).not.toMatch(/v1\.5\.0 → v1\.4\.2 was released/);
  });

  it('dates mitigation at the last verification that followed the rollback, not the first, and says so', () => {
    const mitigated = pm.keyTimes.find((k) => k.name === 'mitigated');
    expect(mitigated).toEqual({
      name: 'mitigated',
      at: at(15 * min),
      basis:
        'verified: "Error rate back under its line" passed after "Roll the deployment back to the previous revision"',
    });
  });

  it('gives each triage run its own block with its outcome', () => {
    expect(pm.decisionPath.map((r) => [r.playbook, r.answers.length, r.outcome])).toEqual([
      ['triage', 2, 'Left unfinished: triage was started again at 03:38:00'],
      ['triage', 3, 'Emergency rollback; continued with emergency-rollback'],
      ['emergency-rollback', 0, 'Verified: "Error rate back under its line" at 03:45:00'],
    ]);
    expect(md).toContain('### Run 2: triage, from 03:38:00');
    expect(md).toContain('**Outcome:** Emergency rollback; continued with emergency-rollback');
    // A checklist item passed over without a tick is runbook feedback, not a skipped step.
    expect(pm.decisionPath[2]?.actions[0]).toBe('Not ticked: "Engineering lead told"');
  });

  it('puts the diagnosis on the timeline whole, not cut as the header shows it', () => {
    const long = 'pricing rule lookup failed: column "discount_tier" does not exist in relation "rules"';
    const records = [...walk().records];
    const d = records.find((r) => r.kind === 'diagnosis');
    if (d?.kind !== 'diagnosis') throw new Error('no diagnosis');
    d.payload = {
      ...d.payload,
      summary: 'cut for the header…',
      patterns: [{ ...(d.payload.patterns[0] as (typeof d.payload.patterns)[0]), template: long }],
    };
    const row = timelineOf(foldIncident('inc-24', records) as IncidentState).find(
      (e) => e.kind === 'diagnosis',
    );
    expect(row?.text).toBe(
      `Data: api v1.5.0 at ${at(0).slice(11, 19)}, errors 20s later · new on api: "${long}"`,
    );
  });

  it('renders a step output without a visible newline mark', () => {
    expect(pm.commands[0]?.output).toBe('deployment.apps/api rolled back\nrevision 7 -> 6');
    expect(md).not.toContain('␊');
    expect(timelineOf(state).find((e) => e.kind === 'step.result')?.evidence).toBe(
      'deployment.apps/api rolled back ⏎ revision 7 -> 6',
    );
  });

  it('counts the time above the line from the alert, and every service the signals named', () => {
    // The rule cleared at 03:44 with no firing in the journal: it had held since the alert's start.
    expect(pm.impact.timeAboveThresholdMs).toBe(11 * min);
    expect(pm.impact.servicesAffected).toEqual(['api', 'web']);
    expect(md).toContain('- Time above the critical line: 11m00s');
  });

  it('declared from an alert alone: time above the line runs from its start to its resolving', () => {
    const { records, add } = scriptedJournal(T0);
    add(5 * min, 'incident.declared', { title: 'api 5xx', severity: 'P1', commander: 'alice' });
    add(
      5 * min + 1,
      'alert.firing',
      { fingerprint: 'f1', name: 'HighErrorRate', state: 'firing', severity: 'critical', labels: apiAlert },
      3 * min,
    );
    add(12 * min, 'alert.resolved', { fingerprint: 'f1', name: 'HighErrorRate', labels: apiAlert });
    const alone = foldIncident('inc-a', records);
    if (!alone) throw new Error('no incident');
    expect(buildPostmortem(alone).impact.timeAboveThresholdMs).toBe(9 * min);
  });
});
