import { describe, expect, it } from 'vitest';
import type { RuleView, ServiceSignalsView } from '../../src/metrics/serviceSignals';
import { rateRow } from '../../views/rows';

const view = (rules: RuleView[]): ServiceSignalsView => ({
  service: 'gateway',
  ratio1m: 0.013,
  ratio5m: 0.035,
  requests1m: 600,
  logRequests1m: 600,
  ratioSource: 'metrics',
  spark: [],
  rules,
  health: { up: 2, total: 2, targets: [] },
});
const rule = (state: RuleView['state'], severity: RuleView['severity'] = 'warning'): RuleView => ({
  id: `error-ratio-${severity}`,
  severity,
  description: '',
  state,
  leftMs: 290_000,
});

describe("a downstream service's rule in the error-rate pane", () => {
  it('gives way to whom it follows, but still says FIRING, which is what holds a resolve back', () => {
    const downstream = { role: 'downstream', of: 'api' } as const;
    expect(rateRow(view([rule('pending')]), 0.05, 80, downstream)).toMatch(/↳ after api\s*$/);
    expect(rateRow(view([rule('firing')]), 0.05, 80, downstream)).toMatch(/FIRING ↳ api\s*$/);
    expect(rateRow(view([rule('firing', 'critical')]), 0.05, 132, downstream)).toMatch(
      / FIRING, downstream of/,
    );
    expect(rateRow(view([]), 0.05, 80, downstream)).toMatch(/ ok\s*$/);
  });
});
