import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/text/redact';
import { secretCorpus } from '../fixtures/secretCorpus';

const corpus = secretCorpus();
const redact = createRedactor();

describe('redaction: the secret corpus', () => {
  it(`has at least 80 secrets across the families (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(80);
    expect(new Set(corpus.map((c) => c.family)).size).toBeGreaterThanOrEqual(40);
  });

  it('lets none survive, in a sentence or inside a JSON log line', () => {
    const survivors = corpus.filter((c) =>
      [`03:12 saw this in the api logs: ${c.text} — rotating it now`, JSON.stringify({ msg: c.text })].some(
        (text) => {
          const out = redact(text);
          return out.includes(c.secret) || !out.includes('[REDACTED]');
        },
      ),
    );
    console.log(`secret corpus: ${corpus.length} secrets, ${survivors.length} survived`);
    expect(survivors.map((c) => `${c.family}: ${c.text}`)).toEqual([]);
  });

  it('fresh random secrets of every family are caught too (other seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const missed = secretCorpus(seed).filter((c) => redact(c.text).includes(c.secret));
      expect(missed.map((c) => `${seed} ${c.family}: ${c.text}`)).toEqual([]);
    }
  });
});

describe('redaction: honest the other way', () => {
  const loghub = join(process.cwd(), '..', 'shared', 'fixtures', 'loghub');
  const samples = ['Apache_2k.log', 'Linux_2k.log', 'Zookeeper_2k.log'].flatMap((f) =>
    readFileSync(join(loghub, f), 'utf8').trimEnd().split('\n'),
  );
  // What the demo fleet logs (see src/demo/service.ts): JSON request lines with ids and statuses.
  const demo = Array.from({ length: 2000 }, (_, i) =>
    JSON.stringify({
      time: new Date(Date.UTC(2026, 10, 22, 3, 0, i % 60)).toISOString(),
      level: i % 7 === 0 ? 'error' : 'info',
      service: ['gateway', 'api', 'worker'][i % 3],
      version: 'v1.5.0',
      request_id: `req-${(i * 2654435761).toString(16).slice(-8)}`,
      msg: i % 7 === 0 ? 'pricing rule lookup failed' : 'request completed',
      status: i % 7 === 0 ? 500 : 200,
      duration_ms: i % 97,
    }),
  );

  it('touches fewer than 0.1% of the loghub and demo lines', () => {
    const touched = [...samples, ...demo].filter((l) => redact(l) !== l);
    const ratio = touched.length / (samples.length + demo.length);
    console.log(
      `false positives: ${touched.length} of ${samples.length + demo.length} lines (${(ratio * 100).toFixed(3)}%)${touched.length ? `: ${touched.slice(0, 3).join(' | ')}` : ''}`,
    );
    expect(ratio).toBeLessThan(0.001);
  });
});

describe('redaction: adversarial input', () => {
  const cases: Record<string, string> = {
    'long run of key characters': 'a'.repeat(1024 * 1024),
    'url-ish colons': `${'a'.repeat(512 * 1024)}://${'b:'.repeat(256 * 1024)}`,
    'repeated key words': 'password='.repeat(120_000),
    'near-miss prefixes': 'ghp_'.repeat(260_000),
    'base64 without end': 'A1b2C3d4/'.repeat(116_000),
    'token words and separators': 'DB_PASSWORD_TOKEN_SECRET-'.repeat(42_000),
  };
  for (const [name, line] of Object.entries(cases)) {
    it(`a 1 MiB line of ${name} redacts in linear time`, () => {
      const started = performance.now();
      const out = redact(line.slice(0, 1024 * 1024));
      const ms = performance.now() - started;
      // Reported, not asserted: machines here are noisy. `npm run bench` holds the 50 ms goal.
      console.log(`redact 1 MiB (${name}): ${ms.toFixed(1)} ms`);
      expect(typeof out).toBe('string');
    });
  }
});
