import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli';
import { PtyTerminal } from '../helpers/ptyTerminal';

const dir = mkdtempSync(join(tmpdir(), 'oc-readback-e2e-'));
const log = join(dir, 'api.log');
writeFileSync(
  join(dir, 'config.yaml'),
  `environments:\n  shop:\n    services:\n      api:\n        logs: [{ file: ${log} }]\n`,
);

/** A request line as the service logs it: every fifth one fails while `failing`. */
const request = (at: number, i: number, failing: boolean) =>
  `${JSON.stringify({
    time: new Date(at).toISOString(),
    level: failing && i % 5 === 0 ? 'error' : 'info',
    msg: 'GET /orders',
    status: failing && i % 5 === 0 ? 503 : 200,
    request_id: `req-${i}`,
  })}\n`;

const opened = Date.now();
// Nine minutes of health, then 1m50s at 20% failing: the critical rule (5% for 2m) has ten seconds to go.
const FAILING_SINCE = opened - 110_000;
let n = 0;
let history = '';
for (let at = opened - 11 * 60_000; at < opened; at += 200) history += request(at, n++, at >= FAILING_SINCE);
writeFileSync(log, history);
// The failure goes on while the console runs: five requests a second, every fifth failing.
const writer = setInterval(() => {
  let lines = '';
  for (let i = 0; i < 5; i++) lines += request(Date.now(), n++, true);
  appendFileSync(log, lines);
}, 1000);
afterAll(() => clearInterval(writer));

describe('a console opened into a failure that began before it', () => {
  it('counts the failure from when it began: the rule fires on time and the sparkline is full', async () => {
    const term = new PtyTerminal(BIN, ['--config', join(dir, 'config.yaml')], {
      env: { OPSCONSOLE_STATE_DIR: join(dir, 'state') },
    });
    try {
      await term.waitFor(/CRIT (in (\d+m)?\d+s|FIRING)/);
      const row = () => term.screen().find((l) => /\bapi\b.*(CRIT|WARN)/.test(l)) ?? '';
      const left = /CRIT in (?:(\d+)m)?(\d+)s/.exec(term.text());
      // Seconds left, not two minutes: the hold began before the console opened. (A console slow
      // to start may find it firing already.)
      if (left) expect(Number(left[1] ?? 0) * 60 + Number(left[2])).toBeLessThanOrEqual(30);
      // Eleven minutes read back: a bar for each of the last eleven minutes, not one.
      expect(row().match(/[▁▂▃▄▅▆▇█]/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
      await term.waitFor(/CRIT FIRING/, 60_000);
      const firedAfter = Date.now() - opened;
      // The 1m ratio passes 5% 15 s into the failure (20% of a growing share of the minute), and the
      // hold is 2m: it fires 25 s after the history's end. Counted from the open it would be 2m15s.
      expect(firedAfter).toBeGreaterThanOrEqual(20_000);
      expect(firedAfter).toBeLessThan(60_000);
      term.press('q');
      expect(await term.exited).toBe(0);
    } finally {
      term.kill('SIGKILL');
    }
  });
});
