import { describe, expect, it } from 'vitest';
import { parseLine, parseLogfmt, parseTimestampText } from '../../src/logs/parseLine';

const ctx = { source: 'svc', seq: 1, receivedAt: Date.UTC(2026, 10, 21, 12, 0, 0) };

describe('parseLine', () => {
  it('reads pino lines: numeric level, epoch ms, reqId', () => {
    const r = parseLine('{"level":50,"time":1763726400000,"msg":"boom","reqId":"req-1"}', ctx);
    expect(r).toMatchObject({
      level: 'error',
      time: 1763726400000,
      timeFromLine: true,
      message: 'boom',
      requestId: 'req-1',
    });
  });

  it('reads zap lines: string level, epoch seconds, trace_id', () => {
    const r = parseLine('{"level":"warn","ts":1763726400.5,"msg":"slow","trace_id":"abc123"}', ctx);
    expect(r).toMatchObject({ level: 'warn', time: 1763726400500, requestId: 'abc123' });
  });

  it('reads ECS nested fields', () => {
    const r = parseLine(
      '{"@timestamp":"2026-11-21T10:00:00.250Z","log":{"level":"ERROR"},"message":"db down","http":{"request":{"id":"r-9"},"response":{"status_code":503}}}',
      ctx,
    );
    expect(r).toMatchObject({
      level: 'error',
      time: Date.UTC(2026, 10, 21, 10, 0, 0, 250),
      requestId: 'r-9',
      status: 503,
      message: 'db down',
    });
  });

  it('reads logfmt', () => {
    const r = parseLine(
      'time=2026-11-21T10:00:00Z level=info msg="user logged in" request_id=abc-42 status=200',
      ctx,
    );
    expect(r).toMatchObject({ level: 'info', message: 'user logged in', requestId: 'abc-42', status: 200 });
    expect(parseLogfmt('not logfmt')).toBeUndefined();
  });

  it('reads plain text: level word, ISO time, request id', () => {
    const r = parseLine('2015-07-29 17:41:44,747 - WARN  [main] request_id=xyz789 took too long', ctx);
    expect(r).toMatchObject({
      level: 'warn',
      time: Date.UTC(2015, 6, 29, 17, 41, 44, 747),
      requestId: 'xyz789',
    });
  });

  it('reads Apache error log lines with bracketed level and date', () => {
    const r = parseLine('[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6', ctx);
    expect(r).toMatchObject({ level: 'error', time: Date.UTC(2005, 11, 4, 4, 47, 44) });
  });

  it('finds bracketed request ids in plain text', () => {
    expect(parseLine('INFO [req-7f3a9c] handled', ctx).requestId).toBe('req-7f3a9c');
  });

  it('falls back to receive time when the line has none', () => {
    const r = parseLine('just words', ctx);
    expect(r).toMatchObject({ time: ctx.receivedAt, timeFromLine: false, message: 'just words' });
  });

  it('sanitizes the text, the message and the request id of hostile JSON', () => {
    const r = parseLine('{"msg":"\\u001b]52;c;ZXZpbA==\\u0007x","request_id":"\\u001b[31mred"}', ctx);
    expect(r.message).toBe('x');
    expect(r.requestId).toBe('red');
    expect(r.text).not.toMatch(/\u001b/);
  });

  it('survives __proto__ keys and deep nesting', () => {
    const proto = parseLine('{"__proto__":{"polluted":true},"msg":"m"}', ctx);
    expect(proto.message).toBe('m');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(() => parseLine(deep, ctx)).not.toThrow();
  });
});

describe('parseTimestampText', () => {
  it('applies zone offsets', () => {
    expect(parseTimestampText('2026-01-01T10:00:00+02:00', 0)).toBe(Date.UTC(2026, 0, 1, 8));
  });

  it('puts a year-less syslog date that would be in the future into last year', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(parseTimestampText('Dec 31 23:59:00 host x', now)).toBe(Date.UTC(2025, 11, 31, 23, 59));
    expect(parseTimestampText('Jan  1 00:00:01 host x', now)).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
  });
});
