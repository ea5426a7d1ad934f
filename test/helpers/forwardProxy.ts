import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

/**
 * A forward proxy for tests, as bastions have: absolute-URI requests for plain HTTP (HTTP_PROXY),
 * and CONNECT tunnels for HTTPS (HTTPS_PROXY), the TLS inside untouched. It counts what went through
 * it, so a test can tell that a client used the proxy setting rather than going direct.
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
  // A tunnel's sockets leave the server's keeping once connected: stop() ends them itself.
  const tunnels = new Set<{ destroy(): void }>();
  server.on('connect', (req, client, head) => {
    tunnels.add(client);
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    forwarded.push(`CONNECT ${req.url}`);
    const upstream = connect(Number(port), host, () => {
      tunnels.add(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    stop: () =>
      new Promise<void>((r) => {
        for (const t of tunnels) t.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
