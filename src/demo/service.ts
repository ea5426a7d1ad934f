/**
 * One service of the demo fleet, run as its own process: an HTTP server on loopback with /health,
 * /metrics (Prometheus text) and a request path that calls its downstream, writing one JSON log line
 * per request that carries the caller's request id. The supervisor passes the error share of the
 * release it runs, which is how the demo's bad deploy misbehaves.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    port: { type: 'string' },
    version: { type: 'string' },
    downstream: { type: 'string' },
    'error-rate': { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '8' },
    /** Flood mode, for benchmarks: no server, just this many log lines a second. */
    flood: { type: 'string' },
  },
});

const name = values.name ?? 'service';
const version = values.version ?? 'v0.0.0';
const errorRate = Number(values['error-rate']);
const baseLatency = Number(values['latency-ms']);
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const requestsByCode = new Map<number, number>();
const bucketCounts = BUCKETS.map(() => 0);
let durationCount = 0;
let durationSum = 0;

function log(level: string, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, service: name, version, msg, ...fields })}\n`,
  );
}

function observe(code: number, seconds: number): void {
  requestsByCode.set(code, (requestsByCode.get(code) ?? 0) + 1);
  durationCount++;
  durationSum += seconds;
  BUCKETS.forEach((le, i) => {
    if (seconds <= le) bucketCounts[i] = (bucketCounts[i] ?? 0) + 1;
  });
}

function metricsText(): string {
  const lines = [
    '# HELP http_requests_total Requests handled, by status code.',
    '# TYPE http_requests_total counter',
  ];
  for (const [code, n] of [...requestsByCode].sort((a, b) => a[0] - b[0])) {
    lines.push(`http_requests_total{service="${name}",code="${code}"} ${n}`);
  }
  lines.push('# TYPE http_request_duration_seconds histogram');
  for (const [i, le] of BUCKETS.entries()) {
    lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${bucketCounts[i]}`);
  }
  lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${durationCount}`);
  lines.push(
    `http_request_duration_seconds_sum ${durationSum}`,
    `http_request_duration_seconds_count ${durationCount}`,
  );
  return `${lines.join('\n')}\n`;
}

function callDownstream(requestId: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${values.downstream}${path}`,
      { headers: { 'x-request-id': requestId }, timeout: 2000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 502));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(503));
    req.end();
  });
}

// The bad release's bug, and the rare transient errors of a healthy release: kept apart, so that
// after a rollback the logs no longer show the bug (a new user reads them to judge the rollback).
const BUG_FAILURES = [
  "TypeError: Cannot read properties of undefined (reading 'tier')",
  'pricing rule lookup failed: column "discount_tier" does not exist',
];
// Not a dependency's words: a healthy fleet's stray timeouts would be a true but distracting answer
// to the infrastructure question the demo's triage asks.
const TRANSIENT_FAILURES = [
  'client closed the request before the response was sent',
  'request body failed validation: quantity must be positive',
];
/** Above this error rate the release is the broken one (the fleet's healthy releases stay far below). */
const BUGGY_RATE = 0.05;
const FAILURES = errorRate >= BUGGY_RATE ? BUG_FAILURES : TRANSIENT_FAILURES;

async function handle(req: IncomingMessage): Promise<{ code: number; body: string }> {
  const requestId = String(req.headers['x-request-id'] ?? `req-${Math.random().toString(16).slice(2, 10)}`);
  const path = req.url ?? '/';
  const started = performance.now();
  await new Promise((r) => setTimeout(r, baseLatency * (0.5 + Math.random())));
  let code = 200;
  let failure: string | undefined;
  if (values.downstream) {
    const downstream = await callDownstream(requestId, path);
    if (downstream >= 500) {
      code = 502;
      failure = `downstream call failed with HTTP ${downstream}`;
    }
  }
  if (code === 200 && Math.random() < errorRate) {
    code = 500;
    failure = FAILURES[Math.floor(Math.random() * FAILURES.length)];
  }
  const seconds = (performance.now() - started) / 1000;
  observe(code, seconds);
  const fields = {
    request_id: requestId,
    method: req.method,
    path,
    status: code,
    duration_ms: Math.round(seconds * 1000),
  };
  if (failure) log('error', failure, fields);
  else log('info', 'request completed', fields);
  return { code, body: JSON.stringify({ ok: code === 200, request_id: requestId }) };
}

if (values.flood) {
  const perTick = Math.max(1, Math.round(Number(values.flood) / 100));
  let n = 0;
  setInterval(() => {
    let chunk = '';
    for (let i = 0; i < perTick; i++, n++) {
      chunk += `${JSON.stringify({ time: new Date().toISOString(), level: n % 50 === 0 ? 'error' : 'info', service: name, msg: 'flood line', request_id: `req-${(n % 5000).toString(16)}`, status: n % 50 === 0 ? 500 : 200 })}\n`;
    }
    process.stdout.write(chunk);
  }, 10);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', service: name, version }));
    return;
  }
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metricsText());
    return;
  }
  handle(req).then(({ code, body }) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(body);
  });
});

if (!values.flood)
  server.listen(Number(values.port), '127.0.0.1', () =>
    log('info', `listening on 127.0.0.1:${values.port}`, { port: Number(values.port) }),
  );

function shutdown(): void {
  log('info', 'shutting down');
  server.close();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The supervisor holds our stdin open; when it goes away (even killed outright) so do we.
process.stdin.on('end', shutdown);
process.stdin.resume();
