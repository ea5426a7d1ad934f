// Redaction of 1 MiB adversarial lines, in this process (goal: under 50 ms each).
import { createRedactor } from '../../src/text/redact';
import type { Benchmark } from './harness/context';
import { pct } from './harness/measure';

const MiB = 1024 * 1024;

/** Lines built to make a careless pattern backtrack, and one dense with real secrets. */
const CASES: Record<string, string> = {
  'one long token': 'a'.repeat(MiB),
  "url-ish: '://' and 'b:'": `${'a'.repeat(MiB / 2)}://${'b:'.repeat(MiB / 4)}`,
  "'password=' repeated": 'password='.repeat(MiB / 9),
  "'ghp_' repeated": 'ghp_'.repeat(MiB / 4),
  'base64 without end': 'A1b2C3d4/'.repeat(MiB / 9),
  'credential words': 'DB_PASSWORD_TOKEN_SECRET-'.repeat(MiB / 25),
  'real secrets, densely':
    'password=hunter2 AKIAIOSFODNN7EXAMPLE ghp_0123456789abcdefghijABCDEFGHIJ012345 '.repeat(MiB / 84),
};

export const redactBench: Benchmark = {
  name: 'redact',
  settings: {},
  async run(bench) {
    console.log('\n## redaction of 1 MiB adversarial lines\n');
    const redact = createRedactor();
    for (const [name, line] of Object.entries(CASES)) {
      redact(line); // warm up
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        redact(line);
        times.push(performance.now() - t);
      }
      const worst = Math.max(...times);
      console.log(
        `${name.padEnd(28)} median ${pct(times, 50).toFixed(1)} ms, worst ${worst.toFixed(1)} ms (goal < 50 ms)`,
      );
      bench.figure(`${name}: median`, pct(times, 50), 'ms');
      bench.figure(`${name}: worst`, worst, 'ms');
    }
  },
};
