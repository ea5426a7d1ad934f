import { connect, createServer } from 'node:net';

/**
 * A Unix-socket proxy in front of a real server (the Docker engine) that notes each HTTP request's
 * path as it passes, so a test can wait until a client has asked something instead of sleeping.
 */
export async function recordingProxy(
  target: string,
  path: string,
): Promise<{ path: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server = createServer((client) => {
    const upstream = connect(target);
    client.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('latin1').matchAll(/^(?:GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\//gm))
        requests.push(m[1] as string);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return { path, requests, close: () => server.close() };
}
