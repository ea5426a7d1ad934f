import { createServer, type Server } from 'node:http';
import { freePort } from '../../src/demo/freePort';

/**
 * A real HTTP service whose 5xx ratio the test sets: it counts 20 requests every 100 ms, the set
 * share of them as 500s, and exposes the counters at /metrics in the Prometheus text format.
 */
export async function startControlledService(name = 'svc') {
  let ratio = 0;
  let version = '1.4.2';
  let ok = 0;
  let errors = 0;
  let carry = 0;
  const timer = setInterval(() => {
    carry += 20 * ratio;
    const e = Math.floor(carry);
    carry -= e;
    errors += e;
    ok += 20 - e;
  }, 100);
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        [
          '# TYPE http_requests_total counter',
          `http_requests_total{service="${name}",code="200"} ${ok}`,
          `http_requests_total{service="${name}",code="500"} ${errors}`,
          '# TYPE app_build_info gauge',
          `app_build_info{service="${name}",version="${version}"} 1`,
          '',
        ].join('\n'),
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    target: `127.0.0.1:${port}`,
    setRatio(r: number) {
      ratio = r;
    },
    setVersion(v: string) {
      version = v;
    },
    counts: () => ({ ok, errors }),
    stop: () =>
      new Promise<void>((r) => {
        clearInterval(timer);
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
