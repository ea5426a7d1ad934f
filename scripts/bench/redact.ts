// Redaction of 1 MiB adversarial lines, in this process (goal: under 50 ms each).
import { createRedactor } from '../../src/text/redact';
import { ADVERSARIAL_LINES as CASES } from '../../test/fixtures/redactionCases';
import type { Benchmark } from './harness/context';
import { pct } from './harness/measure';

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
