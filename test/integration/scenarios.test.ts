import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'oc-scenarios-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('check --scenarios', () => {
  it('walks the shipped scenarios: every case passes, with its path and which answers came from the data', async () => {
    const r = await runCli(['check', '--scenarios']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /PASS {2}p95 above 3 s for 10 minutes with a low 5xx ratio → emergency rollback\n {8}degraded yes \(data\) → .*rollback-trigger yes \(data\) → go-emergency-rollback/,
    );
    expect(r.stdout).toMatch(/all scenarios pass\n$/);
    expect(r.stdout).not.toContain('FAIL');
  });

  it('fails a case that reaches another outcome (exit 1), and marks an override', async () => {
    const path = file(
      'wrong.yaml',
      [
        'playbook: triage',
        'cases:',
        '  - name: a latency incident is not minor',
        '    facts:',
        '      services:',
        '        api:',
        '          errorRatio: { 5m: 0.002 }',
        '          rules: { error-ratio-critical: ok, latency-p95: firing, health-degraded: ok }',
        '          health: { up: 3, total: 3 }',
        '          releasedMinutesAgo: 5',
        '          watchedMinutes: 600',
        "    answers: { minor-errors: 'yes' }",
        '    expect: go-emergency-rollback',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check', '--scenarios', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL {2}a latency incident is not minor\n.*minor-errors yes \(override\) → keep-investigating\n {8}expected go-emergency-rollback, reached keep-investigating/,
    );
    expect(r.stdout).toContain('1 scenario failed');
  });

  it('says where a scenario file is wrong, with exit 2', async () => {
    const path = file(
      'bad.yaml',
      ['playbook: triage', 'cases:', '  - name: x', '    facts: {}', '    expct: go-hotfix', ''].join('\n'),
    );
    const r = await runCli(['check', '--scenarios', path]);
    expect(r.code).toBe(2);
    // The misspelled key is named first, with what it was meant to be (then the missing one).
    expect(r.stderr).toContain(`invalid scenario file: ${path}:5:5`);
    expect(r.stderr).toContain('field:    cases[0].expct');
    expect(r.stderr).toContain('did you mean "expect"?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
