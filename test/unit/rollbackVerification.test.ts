import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../src/playbooks/evaluateCondition';
import { walkDecisions } from '../../src/playbooks/scenarios';
import { facts, NOW, type RuleState, rules } from '../helpers/playbookFacts';
import { recordingRun, shipped } from '../helpers/playbookWalk';

describe('verifying the emergency rollback', () => {
  const pb = shipped('emergency-rollback');

  it('after the rollback runs, its verification starts on screen, judged since the step; "Rolled back" only when it passes', async () => {
    const f = facts({ ratio: 0.12, firing: true });
    let since: { requests: number; ratio: number } = { requests: 0, ratio: 0 };
    f.rateSince = () => since;
    f.ruleLines = { 'error-ratio-critical': { above: 0.05, forMs: 120_000, signal: 'ratio' } };
    const { run, records } = recordingRun(pb, f, {
      variant: 'demo',
      values: { service: 'api', opsconsole: '/bin/true', host: 'local' },
    });
    run.continue();
    expect(run.currentId).toBe('demo-rollback');
    await run.runStep('api');
    // No Enter needed: the step succeeded and its verification is what comes next.
    expect(run.currentId).toBe('health-green');
    run.tickVerify();
    expect(run.currentId).toBe('errors-down');
    const view = () => run.view().verify;
    expect(view()?.since).toBe(NOW);
    // Too few requests since the step: nothing is concluded.
    since = { requests: 5, ratio: 0 };
    f.now += 1000;
    run.tickVerify();
    expect(run.currentId).toBe('errors-down');
    expect(view()?.evaluation.evidence.join('; ')).toContain('5 requests (of 20 needed)');
    // Plenty of good requests, but the rule that fired still fires (the pane says FIRING): waiting.
    since = { requests: 400, ratio: 0.01 };
    f.now += 30_000;
    run.tickVerify();
    expect(run.currentId).toBe('errors-down');
    expect(view()?.evaluation).toEqual({
      verdict: 'no',
      evidence: [
        'api since the step: 400 requests, 5xx 1.0% ≤ 5%',
        '31s of 2m00s held',
        'error-ratio-critical firing',
      ],
    });
    // The rule clears, but the rule's hold time has not passed since the step.
    (f.services.api as { rules: Record<string, string> }).rules = rules('ok');
    run.tickVerify();
    expect(view()?.evaluation.verdict).toBe('unknown');
    f.now += 90_000;
    run.tickVerify();
    expect(run.currentId).toBe('after');
    expect(records.findLast((r) => r.kind === 'verify.result')?.payload).toMatchObject({
      passed: true,
      evidence:
        'api since the step: 400 requests, 5xx 1.0% ≤ 5%; 2m00s of 2m00s held; error-ratio-critical cleared',
    });
    run.continue();
    expect(run.view().text).toBe('Rolled back');
  });

  it('a rollback that failed is never passed over: Enter stays, and once skipped its checks fail at once', async () => {
    const f = facts({ ratio: 0.12, firing: true });
    const { run, records } = recordingRun(pb, f, {
      variant: 'demo',
      values: { service: 'api', opsconsole: '/bin/false', host: 'local' },
    });
    run.continue();
    expect(run.currentId).toBe('demo-rollback');
    const result = await run.runStep('api');
    expect(result.exitCode).not.toBe(0);
    run.continue();
    expect(run.currentId).toBe('demo-rollback');
    // Skipped, the health check (which never failed) cannot vouch for a rollback that did not run.
    run.skipStep('gave up');
    expect(run.currentId).toBe('health-green');
    expect(run.view().verify?.failed).toBe(true);
    expect(records.at(-1)).toMatchObject({
      kind: 'verify.result',
      payload: {
        passed: false,
        evidence:
          'the step before it was skipped: Roll api back to its previous release: {{currentVersion}} → {{version}}',
      },
    });
    run.continue();
    expect(run.view().text).toBe('Rolled back, not verified');
  });

  it('counts no hold time while the requests since the step are over the line', () => {
    const f = facts({ ratio: 0.12, firing: true });
    f.rateSince = () => ({ requests: 486, ratio: 0.152 });
    f.ruleLines = { 'error-ratio-critical': { above: 0.05, forMs: 120_000, signal: 'ratio' } };
    const evaluation = evaluateCondition(
      { ruleCleared: { service: 'api', id: 'error-ratio-critical' } },
      { ...f, since: f.now - 25_000 },
    );
    expect(evaluation.evidence).toEqual([
      'api since the step: 486 requests, 5xx 15.2% > 5%',
      'not held: over the line (2m00s needed under it)',
      'error-ratio-critical firing',
    ]);
  });

  it('a skipped verification is recorded as one and leads to "not verified"', () => {
    const { run, records } = recordingRun(pb, facts({ ratio: 0.08, firing: true }), {
      variant: 'demo',
      values: { service: 'api' },
    });
    run.continue();
    run.skipStep('no time');
    run.skipStep('no time');
    expect(run.currentId).toBe('not-verified');
    expect(records.at(-1)).toMatchObject({
      kind: 'step.skipped',
      payload: { step: 'Health checks pass again', verification: true },
    });
  });
});

describe('watching for the rollback trigger', () => {
  /** A critical alert whose sustained trigger is still pending: the triage ends at "watch". */
  function early() {
    const f = facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 4 });
    const api = f.services.api as { rules: Record<string, RuleState>; rulesLeftMs?: Record<string, number> };
    api.rules = rules('firing', { sustained: 'pending' });
    api.rulesLeftMs = { 'error-ratio-sustained': 6 * 60_000 };
    const { run, records } = recordingRun(shipped('triage'), f, { values: { service: 'api' } });
    walkDecisions(run, { 'unsafe-migration': 'no', 'fix-is-faster': 'no' });
    expect(run.currentId).toBe('go-watch-and-prepare');
    return { f, api, run, records };
  }

  it('keeps watching: the countdown on screen, the rollback proposed by itself when the trigger holds', () => {
    const { f, api, run, records } = early();
    const watch = () => run.view().outcome?.watch;
    expect(run.view().outcome?.next).toBe('emergency-rollback');
    expect(watch()?.evaluation.evidence).toContain(
      'api error-ratio-sustained pending (fires in 6m00s if it holds)',
    );
    run.tickWatch();
    expect(watch()?.proposed).toBe(false);
    expect(
      records.some((r) => r.kind === 'decision.shown' && r.payload.node === 'go-watch-and-prepare'),
    ).toBe(false);
    f.now += 6 * 60_000;
    api.rules = rules('firing');
    run.tickWatch();
    run.tickWatch();
    expect(watch()?.proposed).toBe(true);
    const proposals = records.filter(
      (r) => r.kind === 'decision.shown' && r.payload.node === 'go-watch-and-prepare',
    );
    expect(proposals).toHaveLength(1); // once, not every second
    expect(String(proposals[0]?.payload.question)).toContain('api error-ratio-sustained firing');
    expect(run.acceptOutcome()).toBe('emergency-rollback');
    expect(records.at(-1)).toMatchObject({
      kind: 'decision.answered',
      payload: { answer: 'yes', how: 'proposed from live data, confirmed' },
    });
  });

  it('offers the rollback at once: taken before the trigger holds, the record says so', () => {
    const { run, records } = early();
    expect(run.acceptOutcome()).toBe('emergency-rollback');
    expect(records.at(-1)).toMatchObject({
      kind: 'decision.answered',
      payload: { how: 'overrode the data, which said no' },
    });
  });
});
