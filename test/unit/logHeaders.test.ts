import { describe, expect, it } from 'vitest';
import { accuracyOn, allCorpora } from '../../scripts/bench/templateGrouping';
import { accessLogTokens } from '../../src/logs/patterns/accessLogBody';
import { messageBody } from '../../src/logs/patterns/messageBody';
import { LOG_FORMATS } from '../fixtures/logFormats';

describe('headers taken off by their shape, before mining', () => {
  it.each([
    ['<34>Oct 11 22:14:15 mymachine su[12]: su root failed for lonvick', 'su root failed for lonvick'],
    [
      '<165>1 2026-12-03T03:14:15.003Z web-1 checkout 8710 ID47 [meta seq="2"] order 12 charged',
      'order 12 charged',
    ],
    ['2026-12-03T03:14:15.003Z ERROR payment declined', 'payment declined'],
    ['1733195655.123 warn disk almost full', 'disk almost full'],
    ['[2026-12-03 03:14:15,003] [error] upstream timed out', 'upstream timed out'],
    ['2026-12-03T03:14:15Z [cart] item added', 'item added'],
    ['2026-12-03 03:14:15.003 INFO db.pool: connection returned', 'connection returned'],
    [
      '2026-12-03 03:14:15,003 WARN  [http-nio-8080-exec-3] com.shop.CartService - cart expired',
      'cart expired',
    ],
    ['WARNING:app.worker:queue is backing up', 'queue is backing up'],
    ['2026-12-03 03:14:15,003 - app.api - ERROR - request failed', 'request failed'],
    [
      '2026-12-03 03:14:15.003 UTC [4242] app@shop ERROR:  duplicate key value violates unique constraint',
      'duplicate key value violates unique constraint',
    ],
    ['2026-12-03T03:14:15+0000 web-1 nginx[77]: worker process exited', 'worker process exited'],
    ['12-03 03:14:15.003  1702  2395 D NetClient: socket closed', 'socket closed'],
    [
      '5m      Warning  BackOff            pod/api-7d9f-x2x9           Back-off restarting failed container',
      'Back-off restarting failed container',
    ],
    ['Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown', 'check pass; user unknown'],
    ['20261203-03:14:15:003|checkout|4242|order placed 12', 'order placed 12'],
    [
      '- 1733195655 2026.12.03 web28 Dec 3 03:14:15 web28/web28 crond(pam_unix)[2915]: session closed for user root',
      'session closed for user root',
    ],
    ['[12.03 03:14:15] curl.exe - api.example:443 open through proxy', 'api.example:443 open through proxy'],
    ['TypeError: Cannot read properties of undefined', 'TypeError: Cannot read properties of undefined'],
    ['plain words stay as they are', 'plain words stay as they are'],
    ['error: a message that starts with a level word', 'a message that starts with a level word'],
  ])('%s', (line, body) => {
    expect(messageBody(line)).toBe(body);
  });

  it('an access line is one template per method and route shape, not per URL', () => {
    const a = accessLogTokens(
      '10.0.0.1 - - [03/Dec/2026:03:14:15 +0000] "GET /api/users/42?x=1 HTTP/1.1" 200 512',
    );
    const b = accessLogTokens(
      '10.0.0.9 - bob [03/Dec/2026:03:14:16 +0000] "GET /api/users/977 HTTP/2.0" 500 12 "-" "curl/8"',
    );
    expect(a).toEqual(b);
    expect(a).toEqual(['GET', '/api/users/<*>', '<*>', '<*>']);
    expect(accessLogTokens('x "POST /api/cart HTTP/1.1" 201 0')?.slice(0, 2)).toEqual(['POST', '/api/cart']);
    expect(accessLogTokens('no request line here')).toBeUndefined();
  });

  it('each header family of our own corpora groups as its truth says', () => {
    const low = LOG_FORMATS.map((c) => [c.name, accuracyOn(c)] as const).filter(([, ga]) => ga < 0.9);
    expect(low).toEqual([]);
  });

  it('loghub’s three samples keep their grouping', () => {
    const scores = Object.fromEntries(
      allCorpora()
        .filter((c) => c.name.startsWith('loghub'))
        .map((c) => [c.name, Number(accuracyOn(c).toFixed(2))]),
    );
    expect(scores['loghub Apache']).toBeGreaterThanOrEqual(0.99);
    expect(scores['loghub Linux']).toBeGreaterThanOrEqual(0.93);
    expect(scores['loghub Zookeeper']).toBeGreaterThanOrEqual(0.98);
  });
});
