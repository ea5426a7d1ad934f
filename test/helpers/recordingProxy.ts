import { connect, createServer, type Socket } from 'node:net';

export type RecordingProxy = {
  path: string;
  requests: string[];
  /**
   * Holds back the answer to the next request whose path matches, until `release` is called: a
   * test can make two answers arrive in the other order than they were asked.
   */
  holdNext: (path: RegExp) => { held: () => boolean; release: () => void };
  close: () => void;
};

/**
 * A Unix-socket proxy in front of a real server (the Docker engine) that notes each HTTP request's
 * path as it passes, so a test can wait until a client has asked something instead of sleeping.
 */
export async function recordingProxy(target: string, path: string): Promise<RecordingProxy> {
  const requests: string[] = [];
  let armed: { path: RegExp; connection?: { held: Buffer[] | undefined; client: Socket } } | undefined;
  const server = createServer((client) => {
    const upstream = connect(target);
    const connection: { held: Buffer[] | undefined; client: Socket } = { held: undefined, client };
    client.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('latin1').matchAll(/^(?:GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\//gm)) {
        const requestPath = m[1] as string;
        requests.push(requestPath);
        if (armed && !armed.connection && armed.path.test(requestPath)) {
          armed.connection = connection;
          connection.held = [];
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (connection.held) connection.held.push(chunk);
      else client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return {
    path,
    requests,
    holdNext: (pattern) => {
      const hold: NonNullable<typeof armed> = { path: pattern };
      armed = hold;
      return {
        held: () => (hold.connection?.held?.length ?? 0) > 0,
        release: () => {
          const c = hold.connection;
          if (armed === hold) armed = undefined;
          if (!c) return;
          for (const chunk of c.held ?? []) c.client.write(chunk);
          c.held = undefined;
        },
      };
    },
    close: () => server.close(),
  };
}
