import { describe, expect, it } from 'vitest';
import { reachFix } from '../../src/cli/reachFix';

describe('the fix line for a server that could not be asked', () => {
  const fix = (err: unknown) => reachFix(err, 'Alertmanager', '--alertmanager http://am:9093');

  it('tells nothing listening, a name that does not resolve, and no answer apart', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(fix(refused)).toBe(
      '  fix: nothing listens there; start Alertmanager, or give the URL it listens on (--alertmanager http://am:9093)',
    );
    expect(fix(new Error('getaddrinfo ENOTFOUND am.invalid'))).toMatch(/does not resolve from here/);
    expect(fix(Object.assign(new Error('timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toMatch(
      /Alertmanager did not answer in time/,
    );
  });

  it('points at the URL for anything else (an HTTP error, a body that is not JSON)', () => {
    expect(fix(new Error('HTTP 404'))).toBe(
      '  fix: check that Alertmanager answers at that URL (--alertmanager http://am:9093)',
    );
    expect(fix('a string')).toMatch(/check that Alertmanager answers/);
  });
});
