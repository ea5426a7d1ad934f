// `npm run bench:unit`: redaction of 1 MiB adversarial lines, in process (the goal is under 50 ms
// a line; `npm run bench` prints the same cases in its table and JSON).
import { bench, describe } from 'vitest';
import { createRedactor } from '../../src/text/redact';
import { ADVERSARIAL_LINES } from '../fixtures/redactionCases';

describe('redaction of a 1 MiB line', () => {
  const redact = createRedactor();
  for (const [name, line] of Object.entries(ADVERSARIAL_LINES)) bench(name, () => void redact(line));
});
