import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A plain HTTP forward proxy for tests (absolute-URI requests, as clients send them to HTTP_PROXY):
 * it forwards each request and counts what went through it, so a test can tell that a client used
 * the proxy setting rather than going direct.
 */
export async function startForwardProxy(): Promise<{
  url: string;
  forwarded: string[];
  stop(): Promise<void>;
}> {
  const forwarded: string[] = [];
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    forwarded.push(`${req.method} ${target.host}${target.pathname}`);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end('proxy: upstream failed');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
