import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveFacts } from '../../src/playbooks/evaluateCondition';
import { crossReferenceProblems, loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { facts, NOW, type RuleState, rules } from '../helpers/playbookFacts';
import { recordingRun, shipped, walkTree } from '../helpers/playbookWalk';

describe('shipped playbooks', () => {
  it('all load, validate and link to each other', () => {
    const all = loadPlaybookDirs(['playbooks']);
    expect([...all.keys()].sort()).toEqual([
      'database-migration',
      'disaster-recovery',
      'emergency-rollback',
      'hotfix',
      'scaling',
      'triage',
    ]);
    expect(crossReferenceProblems(all)).toEqual([]);
  });

  describe('triage on scenario data', () => {
    const triage = shipped('triage');

    it('complete outage → disaster recovery', () => {
      const outage = facts({ ratio: 1, firing: true, health: { up: 0, total: 1 } });
      outage.services.worker = { ...outage.services.worker, health: { up: 0, total: 1 } };
      expect(walkTree(triage, outage).outcome).toBe('go-disaster-recovery');
    });

    it('8% errors sustained after a deploy → emergency rollback', () => {
      const { outcome, records } = walkTree(
        triage,
        facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 12 }),
        {
          'unsafe-migration': 'no',
          'fix-is-faster': 'no',
        },
      );
      expect(outcome).toBe('go-emergency-rollback');
      const first = records.find((r) => r.kind === 'decision.answered');
      expect(first?.payload).toMatchObject({ answer: 'yes', how: 'proposed from live data, confirmed' });
      expect(String(first?.payload.evidence)).toContain('api error-ratio-critical firing');
    });

    it('0.5% errors → not a rollback: keep investigating', () => {
      expect(
        walkTree(triage, facts({ ratio: 0.005, firing: false, releasedMinutesAgo: 5 }), {
          'planned-change': 'no',
          capacity: 'no',
        }).outcome,
      ).toBe('keep-investigating');
    });

    it('severe errors after a release with an unsafe migration → hotfix', () => {
      expect(
        walkTree(triage, facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 12 }), {
          'unsafe-migration': 'yes',
        }).outcome,
      ).toBe('go-hotfix');
    });

    it('a latency incident (p95 rule firing, 5xx low) after a release → emergency rollback, not "minor"', () => {
      const slow = facts({ ratio: 0.002, firing: false, releasedMinutesAgo: 15 });
      (slow.services.api as { rules: Record<string, RuleState> }).rules = rules('ok', { latency: 'firing' });
      const { outcome, records } = walkTree(triage, slow, {
        'unsafe-migration': 'no',
        'fix-is-faster': 'no',
      });
      expect(outcome).toBe('go-emergency-rollback');
      const trigger = records.find(
        (r) => r.kind === 'decision.answered' && r.payload.node === 'rollback-trigger',
      );
      expect(String(trigger?.payload.evidence)).toContain('api latency-p95 firing');
    });

    it('health checks failing on most of a service with a low 5xx ratio → emergency rollback', () => {
      const sick = facts({
        ratio: 0.004,
        firing: false,
        releasedMinutesAgo: 15,
        health: { up: 1, total: 3 },
      });
      (sick.services.api as { rules: Record<string, RuleState> }).rules = rules('ok', { health: 'firing' });
      expect(walkTree(triage, sick, { 'unsafe-migration': 'no', 'fix-is-faster': 'no' }).outcome).toBe(
        'go-emergency-rollback',
      );
    });

    it('a critical alert not yet sustained → watch and prepare the rollback, saying how long is left', () => {
      const early = facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 4 });
      const api = early.services.api as {
        rules: Record<string, RuleState>;
        rulesLeftMs?: Record<string, number>;
      };
      api.rules = rules('firing', { sustained: 'pending' });
      api.rulesLeftMs = { 'error-ratio-sustained': 6 * 60_000 };
      const { outcome, records } = walkTree(triage, early, {
        'unsafe-migration': 'no',
        'fix-is-faster': 'no',
      });
      expect(outcome).toBe('go-watch-and-prepare');
      const trigger = records.find(
        (r) => r.kind === 'decision.answered' && r.payload.node === 'rollback-trigger',
      );
      expect(String(trigger?.payload.evidence)).toContain(
        'api error-ratio-sustained pending (fires in 6m00s if it holds)',
      );
      // The operator may still roll back now: the override goes on the record as such.
      expect(
        walkTree(triage, early, {
          'unsafe-migration': 'no',
          'fix-is-faster': 'no',
          'rollback-trigger': 'yes',
        }).outcome,
      ).toBe('go-emergency-rollback');
    });

    it('severe errors naming a failing dependency → the infrastructure, even right after a release', () => {
      const db = facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 12 });
      db.dependencyErrors = [{ service: 'api', template: 'connection refused to db-1:<*>', count: 120 }];
      expect(walkTree(triage, db).outcome).toBe('investigate-infrastructure');
    });

    it('severe errors with no recent release → investigate the infrastructure, not a rollback', () => {
      expect(walkTree(triage, facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 300 })).outcome).toBe(
        'investigate-infrastructure',
      );
    });

    it('healthy → planned work paths: schema change → database migration, capacity → scaling', () => {
      const ok = facts({ ratio: 0.001, firing: false });
      expect(
        walkTree(triage, ok, { 'planned-change': 'yes', 'critical-bug': 'no', 'schema-change': 'yes' })
          .outcome,
      ).toBe('go-database-migration');
      expect(walkTree(triage, ok, { 'planned-change': 'no', capacity: 'yes' }).outcome).toBe('go-scaling');
    });

    it('says the data could not tell, and records an override as such', () => {
      const unknown: LiveFacts = { now: NOW, services: {} };
      const { run, records } = recordingRun(triage, unknown);
      expect(run.view().proposal?.verdict).toBe('unknown');
      run.answer('yes');
      expect(records.findLast((r) => r.kind === 'decision.answered')?.payload.how).toBe(
        'asked: the data could not tell',
      );
      const { run: run2, records: rec2 } = recordingRun(triage, facts({ ratio: 0.08, firing: true }));
      run2.answer('no');
      expect(rec2.findLast((r) => r.kind === 'decision.answered')?.payload.how).toBe(
        'overrode the data, which said yes',
      );
    });
  });

  describe('emergency rollback', () => {
    const pb = shipped('emergency-rollback');

    it('shows only the steps of the configured deploy kind', () => {
      const { run } = recordingRun(pb, facts({ ratio: 0.08, firing: true }), {
        variant: 'kubectl',
        values: { service: 'api', version: 'v1.4.2' },
      });
      run.continue(); // leave the checklist
      expect(run.currentId).toBe('kubectl-undo');
      expect(run.commandPlan()?.argv).toEqual([
        'kubectl',
        '--namespace',
        'default',
        'rollout',
        'undo',
        'deployment/api',
      ]);
    });

    it('with no deploy kind, asks once which it is, then walks only that kind’s steps', () => {
      const { run, records } = recordingRun(pb, facts({ ratio: 0.08, firing: true }), {
        values: { service: 'api' },
      });
      run.continue(); // leave the checklist
      expect(run.currentId).toBe('deploy-kind');
      expect(run.view().choices.map((c) => c.label)).toEqual([
        'docker compose',
        'an image tag (latest) retagged',
        'kubectl',
        'Kubernetes through its API (opsconsole rollout undo)',
        'dokku',
        'pm2',
        'the demo fleet',
      ]);
      run.answer('0');
      expect(run.deployKind).toBe('compose');
      const walked = [run.currentId];
      while (run.node.kind === 'command') {
        run.skipStep('walked in a test');
        walked.push(run.currentId);
      }
      expect(walked).toEqual(['compose-retag', 'compose-recreate', 'health-green']);
      expect(records.find((r) => r.kind === 'decision.answered')?.payload).toMatchObject({
        answer: 'docker compose',
        how: 'asked',
      });
    });

    it('a known kind answers the question itself, on the record with what told it', () => {
      const { run, records } = recordingRun(pb, facts({ ratio: 0.08, firing: true }), {
        variant: 'pm2',
        variantEvidence: 'deploy.kind pm2 in the config',
        values: { service: 'api', version: 'v1.4.2', appDir: '/srv/api', host: 'local' },
      });
      run.continue();
      expect(run.currentId).toBe('pm2-checkout');
      expect(run.commandPlan()?.argv).toEqual(['git', '-C', '/srv/api', 'checkout', 'v1.4.2']);
      expect(records.find((r) => r.kind === 'decision.answered')?.payload).toMatchObject({
        node: 'deploy-kind',
        answer: 'pm2',
        how: 'the deploy kind is known: deploy.kind pm2 in the config',
      });
    });

    it('a dry run and an unconfirmed destructive step execute nothing; intent and result are recorded', async () => {
      const marker = join(mkdtempSync(join(tmpdir(), 'oc-dry-')), 'ran');
      const { run, records } = recordingRun(pb, facts({ ratio: 0.08, firing: true }), {
        variant: 'demo',
        values: { service: 'api', version: 'v1.4.2', opsconsole: '/usr/bin/touch', host: 'local' },
      });
      run.continue();
      expect(run.currentId).toBe('demo-rollback');
      // The service name is what a tired hand must type.
      expect(run.confirmationWord()).toBe('api');
      await expect(run.runStep('ap')).rejects.toThrow(/type "api"/);
      expect(records.some((r) => r.kind === 'step.intent')).toBe(false);
      run.values.service = marker; // touch would create the marker if anything ran
      run.toggleDryRun();
      const result = await run.runStep(marker);
      expect(result.dryRun).toBe(true);
      expect(existsSync(marker)).toBe(false);
      expect(records.map((r) => r.kind).slice(-2)).toEqual(['step.intent', 'step.result']);
      expect(records.at(-2)?.payload).toMatchObject({
        argv: ['/usr/bin/touch', 'demo', 'rollback', marker],
        dryRun: true,
      });
    });

    it('verification waits for the data; a missed deadline is recorded as failed and never reaches "Rolled back"', async () => {
      const f = facts({ ratio: 0.08, firing: true });
      const { run, records } = recordingRun(pb, f, {
        variant: 'demo',
        values: { service: 'api', opsconsole: '/bin/true', host: 'local' },
      });
      run.continue();
      await run.runStep('api');
      expect(run.currentId).toBe('health-green');
      run.tickVerify();
      expect(run.currentId).toBe('errors-down'); // health is green already
      run.tickVerify();
      expect(run.currentId).toBe('errors-down'); // the critical rule still fires
      f.now += 11 * 60_000;
      run.tickVerify();
      expect(records.at(-1)).toMatchObject({ kind: 'verify.result', payload: { passed: false } });
      f.services.api = { ...f.services.api, ratio: { '1m': 0.01 }, rules: rules('ok') };
      run.continue();
      expect(run.currentId).toBe('not-verified');
      expect(run.view().text).toBe('Rolled back, not verified');
    });
  });
});

describe('fewer keys to mitigation', () => {
  it('ticks the checklist items the data can check, each recorded with its evidence', () => {
    const rollback = shipped('emergency-rollback');
    const f = facts({ ratio: 0.08, firing: true, releasedMinutesAgo: 12 });
    f.incident = { id: 'inc-1', severity: 'P1' };
    (f.services.api as { previousVersion?: string }).previousVersion = 'v1.4.2';
    const { run, records } = recordingRun(rollback, f, { variant: 'demo', values: { service: 'api' } });
    expect(run.view().checklist.map((c) => c.ticked)).toEqual([true, false, false, true, false]);
    expect(records.filter((r) => r.kind === 'checklist.ticked').map((r) => r.payload.evidence)).toEqual([
      'from the data: inc-1 declared, P1',
      'from the data: api ran v1.4.2 before',
    ]);
  });

  it('leaves them for the operator when the data cannot tell', () => {
    const { run } = recordingRun(shipped('emergency-rollback'), facts({ ratio: 0.08, firing: true }), {
      variant: 'demo',
      values: { service: 'api' },
    });
    expect(run.view().checklist.every((c) => !c.ticked)).toBe(true);
  });
});

describe('verifying after a step', () => {
  const below = { errorRatio: { service: 'api', window: '1m' as const, below: 0.05 } };
  it('counts only the requests since the step finished, once there are enough of them', async () => {
    const { evaluateCondition } = await import('../../src/playbooks/evaluateCondition');
    const f = facts({ ratio: 0.12, firing: true });
    expect(evaluateCondition(below, f).verdict).toBe('no');
    const since = NOW - 20_000;
    const after = { ...f, since, rateSince: () => ({ requests: 400, ratio: 0.01 }) };
    expect(evaluateCondition(below, after)).toEqual({
      verdict: 'yes',
      evidence: ['api since the step (400 requests) 5xx 1.0% < 5%'],
    });
    const early = { ...f, since, rateSince: () => ({ requests: 5, ratio: 0 }) };
    expect(evaluateCondition(below, early)).toEqual({
      verdict: 'unknown',
      evidence: ['api: only 5 requests since the step finished'],
    });
  });
});
