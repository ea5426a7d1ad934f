import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../views/rows';
import { fitTriageRows, triageLines } from '../../views/TriagePane';
import { controlledConsole as console_ } from '../helpers/controlledConsole';

describe('the triage never dead-ends', () => {
  it('opens any playbook by name from the palette, and T on a finished triage walks it again', () => {
    const c = console_({ triage: true });
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press(':');
    c.type('rollback');
    expect(c.controls.paletteEntries('rollback')[0]?.label).toBe(
      'open playbook: Emergency rollback (emergency-rollback)',
    );
    c.press('return');
    expect(c.ui().view).toBe('triage');
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
    expect(c.records().findLast((r) => r.kind === 'decision.answered')?.payload).toMatchObject({
      answer: 'Emergency rollback',
      how: 'chosen by name from the palette',
    });
    // Walk the triage to an end (not degraded, not planned, not capacity): keep investigating.
    c.press(':');
    c.type('open playbook: triage');
    c.press('return');
    c.press('n', 'n', 'n');
    expect(c.store.getState().triage?.text).toBe('Keep investigating — do not roll back');
    c.press('return');
    expect(c.ui().message).toMatch(/T walks the triage again/);
    c.press('T');
    expect(c.ui().message).toBe('walking the triage again');
    expect(c.store.getState().triage?.nodeId).toBe('degraded');
    c.triage?.stop();
  });

  it('shows an outcome in full at 80 columns, and what the watch waits for', () => {
    const c = console_({ triage: true });
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press('T');
    // Severe, but not an outage nor minor nor the infrastructure; the trigger has not held.
    c.press('y', 'n', 'n', 'n', 'n', 'n', 'n');
    const view = c.store.getState().triage;
    expect(view?.nodeId).toBe('go-watch-and-prepare');
    const rows = triageLines(view as NonNullable<typeof view>, c.now).flatMap((l) => wrapWords(l.text, 80));
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(80);
    const text = rows.map((r) => r.trim()).join(' ');
    expect(text).toContain(
      'The console keeps watching the trigger and proposes the rollback when it holds; roll back sooner if you judge it.',
    );
    expect(text).toMatch(/Watching: api error-ratio-sustained (pending|ok)/);
    expect(text).toContain('Enter: roll back now, with the emergency-rollback playbook');
    c.press('return');
    expect(c.triage?.current?.playbook.id).toBe('emergency-rollback');
    c.triage?.stop();
  });
});

describe("the data's answers in a row", () => {
  it('a accepts each answer the data gives, records each as such, and stops where only the operator can decide', () => {
    const c = console_({ triage: true });
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.press('T');
    expect(c.store.getState().triage?.proposal?.verdict).toBe('yes');
    c.press('a');
    const answered = c.records().filter((r) => r.kind === 'decision.answered');
    expect(answered.length).toBeGreaterThan(1);
    for (const r of answered)
      expect(r.payload).toMatchObject({ how: 'proposed from live data, accepted in a row' });
    expect(c.ui().message).toBe(`${answered.length} answers from the data, in a row`);
    // Where it stopped, the data has no answer: Enter would not go on.
    const view = c.store.getState().triage;
    expect(view?.kind === 'question' ? view.proposal?.verdict : 'not a question').not.toMatch(/^(yes|no)$/);
    c.press('a');
    expect(c.records().filter((r) => r.kind === 'decision.answered')).toHaveLength(answered.length);
    expect(c.ui().message).toMatch(/nothing for the data to answer here/);
    c.triage?.stop();
  });
});

describe('resolving against the data', () => {
  it('asks first while a rule fires or a verification was skipped, and the record says it was resolved despite it', () => {
    const c = console_();
    c.press('D');
    c.type('api errors');
    c.press('return', '1');
    c.incident.record('step.skipped', {
      playbook: 'emergency-rollback',
      step: 'Health checks pass again',
      reason: 'skipped by the operator',
      verification: true,
    });
    c.press('S', '4');
    expect(c.ui().prompt?.purpose).toBe('resolve-anyway');
    expect(c.ui().prompt?.details).toEqual([
      'api: error-ratio-critical is firing (5xx ratio above 5% for 2m00s)',
      'verification failed or skipped: Health checks pass again',
    ]);
    c.press('n');
    expect(c.store.getState().incident.active?.status).not.toBe('resolved');
    c.press('S', '4', 'y');
    expect(c.store.getState().incident.active?.status).toBe('resolved');
    expect(c.records().findLast((r) => r.kind === 'incident.status')?.payload).toMatchObject({
      status: 'resolved',
      despite: [
        'api: error-ratio-critical is firing (5xx ratio above 5% for 2m00s)',
        'verification failed or skipped: Health checks pass again',
      ],
    });
  });
});

describe('the triage pane in a small space', () => {
  it('keeps the keys line when the evidence does not fit, and says there is more', () => {
    const evidence = Array.from({ length: 12 }, (_, i) => `service-${i} latency-p95 ok`).join('; ');
    const lines = [
      { text: 'Data: api v1.5.0 at 02:06:20, errors 1s later', tone: 'strong' as const, context: true },
      { text: 'Q: Is production down or severely degraded?', tone: 'strong' as const },
      { text: `   Data says YES: ${evidence}` },
      { text: '   y yes · n no · Enter accept the data', keys: true },
    ];
    const rows = fitTriageRows(lines, 40, 6);
    expect(rows).toHaveLength(6);
    expect(rows.at(-1)?.text).toBe('   y yes · n no · Enter accept the data');
    expect(rows.at(-2)?.text).toBe('   … more: i shows it all');
    expect(rows[0]?.text).toMatch(/^Data: api v1\.5\.0/);
    // With room, everything is there and nothing is marked as more.
    const roomy = fitTriageRows(lines, 80, 40);
    expect(roomy.map((r) => r.text)).not.toContain('   … more: i shows it all');
  });
});
