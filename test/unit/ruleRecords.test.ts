import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import type { NotableEvent } from '../../src/model/notableEvent';
import { IncidentSession } from '../../src/session/incidentSession';

const rule = (kind: 'rule-fired' | 'rule-cleared', at: number, service = 'api'): NotableEvent => ({
  at,
  kind,
  severity: kind === 'rule-fired' ? 'critical' : 'info',
  text: `${service}: 5xx ratio above 5% for 2m ${kind === 'rule-fired' ? 'FIRING' : 'cleared'}`,
  data: {
    service,
    rule: 'error-ratio-critical',
    description: '5xx ratio above 5% for 2m',
    value: 0.2,
    above: 0.05,
    forMs: 120_000,
  },
});

function session(stateDir: string) {
  let kinds: string[] = [];
  const s = new IncidentSession(new IncidentRepository(stateDir, 'op@test'), [], (_active, timeline) => {
    kinds = timeline.filter((e) => e.kind.startsWith('rule.')).map((e) => e.kind);
  });
  return { s, kinds: () => kinds };
}

describe('rule transitions on the incident record', () => {
  it('records a rule firing once, however often a console (or a restarted one) judges it so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-rules-'));
    const first = session(dir);
    first.s.declare('checkout failing', 'P2');
    const t = Date.now() - 60_000;
    first.s.observe([rule('rule-fired', t)]);
    first.s.observe([rule('rule-fired', t + 1000)]);
    expect(first.kinds()).toEqual(['rule.fired']);
    first.s.close();
    // Restarted on the same incident: the rule read back as firing since t is already on record.
    const second = session(dir);
    second.s.resume();
    second.s.observe([rule('rule-fired', t), rule('rule-cleared', t + 5000, 'worker')]);
    second.s.observe([
      rule('rule-cleared', t + 9000),
      rule('rule-cleared', t + 9500),
      rule('rule-fired', t + 20_000),
    ]);
    expect(second.kinds()).toEqual(['rule.fired', 'rule.cleared', 'rule.fired']);
    second.s.close();
  });
});
