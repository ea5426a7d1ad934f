import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import { ensurePrivateDir, writeFileAtomic } from '../files/privateFiles';
import { type AuthorizedKey, parseAuthorizedKeys } from './authorizedKeys';

const { Server, utils } = ssh2;

/** A person's terminal, once they are authenticated and their shell is open. */
export interface TerminalSession {
  who: AuthorizedKey;
  columns: number;
  rows: number;
  channel: ServerChannel;
  /** Called with the new size when their terminal is resized. */
  onResize(listener: (columns: number, rows: number) => void): void;
  /** Called once when the session ends, however it ends (quit, idle, the client gone). */
  onClose(listener: () => void): void;
  /** Something typed: resets the idle timer. */
  touched(): void;
  end(message?: string): void;
}

export interface SshServerOptions {
  host: string;
  port: number;
  hostKeyPath: string;
  authorizedKeysPath: string;
  /** Open terminal sessions at most, all people together; more are refused with a message. */
  maxSessions?: number;
  /** Public-key attempts per connection before it is closed (OpenSSH's MaxAuthTries is 6). */
  maxAuthAttempts?: number;
  /** A session with no keystroke for this long is closed. */
  idleTimeoutMs?: number;
  onSession(session: TerminalSession): void;
  /** The server's own log lines (who connected, who was refused, why). */
  log(line: string): void;
}

/** The SHA256 fingerprint of a public key blob, as `ssh-keygen -l` and OpenSSH's prompts print it. */
export function fingerprintOf(publicSsh: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicSsh).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The server's host key: read from `path`, or generated there on first start (ed25519, written
 * 0600 and atomically), so responders can pin its fingerprint once.
 */
export function loadOrCreateHostKey(path: string): {
  privateKey: string;
  fingerprint: string;
  created: boolean;
} {
  const created = !existsSync(path);
  if (created) {
    ensurePrivateDir(dirname(path));
    writeFileAtomic(path, utils.generateKeyPairSync('ed25519').private);
  }
  const privateKey = readFileSync(path, 'utf8');
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`${path}: not a private key ssh2 can read: ${parsed.message}`);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  return { privateKey, fingerprint: fingerprintOf(key.getPublicSSH()), created };
}

interface KnownKey {
  entry: AuthorizedKey;
  parsed: ParsedKey;
}

/**
 * The SSH server of `opsconsole serve` (ssh2's): public keys only, checked against the
 * authorized-keys file (read again for each connection, so a key added needs no restart); a
 * shell with a pseudo-terminal and nothing else (no exec, subsystems, forwarding or agent).
 */
export async function startSshServer(options: SshServerOptions): Promise<{
  port: number;
  fingerprint: string;
  stop(): Promise<void>;
}> {
  const hostKey = loadOrCreateHostKey(options.hostKeyPath);
  const maxSessions = options.maxSessions ?? 32;
  const maxAuth = options.maxAuthAttempts ?? 6;
  const idleMs = options.idleTimeoutMs ?? 30 * 60_000;
  let lastGood: KnownKey[] = [];
  const readKeys = (): KnownKey[] => {
    try {
      const entries = parseAuthorizedKeys(
        readFileSync(options.authorizedKeysPath, 'utf8'),
        options.authorizedKeysPath,
      );
      lastGood = entries.flatMap((entry) => {
        const parsed = utils.parseKey(`${entry.type} ${entry.blob}`);
        if (parsed instanceof Error) {
          options.log(
            `${options.authorizedKeysPath}:${entry.line}: ${parsed.message}; that key is not accepted`,
          );
          return [];
        }
        return [{ entry, parsed: Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed }];
      });
    } catch (err) {
      options.log(`${(err as Error).message}; keeping the keys read before`);
    }
    return lastGood;
  };
  readKeys();
  let open = 0;
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.privateKey], ident: 'opsconsole' }, (client, info) => {
    connections.add(client);
    const from = `${info.ip}:${info.port}`;
    let attempts = 0;
    let who: AuthorizedKey | undefined;
    const keys = readKeys();
    // A connection that does not authenticate within 30 s is closed (OpenSSH's LoginGraceTime is 120 s).
    const grace = setTimeout(() => client.end(), 30_000);
    client.on('authentication', (ctx) => {
      attempts++;
      if (attempts > maxAuth) {
        options.log(`${from}: too many authentication attempts; closed`);
        ctx.reject();
        client.end();
        return;
      }
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const offered = ctx.key.data;
      const match = keys.find(({ parsed }) => {
        const known = parsed.getPublicSSH();
        return (
          parsed.type === ctx.key.algo && known.length === offered.length && timingSafeEqual(known, offered)
        );
      });
      if (!match) {
        options.log(`${from}: refused an unknown key ${fingerprintOf(offered)}`);
        return ctx.reject(['publickey']);
      }
      // The client asks whether the key would do before it signs: yes, then check the signature.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      if (match.parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)
        return ctx.reject(['publickey']);
      who = match.entry;
      ctx.accept();
    });
    client.on('ready', () => {
      clearTimeout(grace);
      const person = who as AuthorizedKey;
      options.log(`${from}: ${person.name} (${person.role}) connected`);
      client.on('session', (accept) => {
        const session = accept();
        let size = { columns: 80, rows: 24 };
        const resizers: ((c: number, r: number) => void)[] = [];
        session.on('pty', (acceptPty, _reject, pty) => {
          size = { columns: pty.cols || 80, rows: pty.rows || 24 };
          acceptPty?.();
        });
        session.on('window-change', (acceptChange, _reject, change) => {
          size = { columns: change.cols || size.columns, rows: change.rows || size.rows };
          for (const r of resizers) r(size.columns, size.rows);
          acceptChange?.();
        });
        session.on('env', (acceptEnv) => acceptEnv?.());
        for (const refused of ['exec', 'subsystem', 'auth-agent', 'x11', 'sftp'] as const)
          session.on(refused as 'exec', (_accept: unknown, reject: () => void) => reject?.());
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          if (open >= maxSessions) {
            channel.write(
              `opsconsole serve: ${maxSessions} sessions are open, the most it takes; try again later\r\n`,
            );
            channel.exit(1);
            channel.end();
            return;
          }
          open++;
          const closers: (() => void)[] = [];
          let ended = false;
          let lastInput = Date.now();
          const end = (message?: string) => {
            if (ended) return;
            ended = true;
            open--;
            clearInterval(idle);
            for (const c of closers) c();
            if (message) channel.write(`\r\n${message}\r\n`);
            channel.exit(0);
            channel.end();
          };
          const idle = setInterval(
            () => {
              if (Date.now() - lastInput >= idleMs)
                end(`opsconsole serve: closed after ${Math.round(idleMs / 60_000)} idle minutes`);
            },
            Math.min(idleMs, 30_000),
          );
          idle.unref();
          channel.on('close', () => end());
          channel.on('error', () => end());
          client.on('close', () => end());
          options.onSession({
            who: person,
            ...size,
            channel,
            onResize: (l) => resizers.push(l),
            onClose: (l) => closers.push(l),
            touched: () => {
              lastInput = Date.now();
            },
            end,
          });
        });
      });
    });
    // No port forwarding of any kind, no other global requests.
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept, reject) => reject?.());
    client.on('error', (err) => options.log(`${from}: ${err.message}`));
    client.on('close', () => {
      clearTimeout(grace);
      connections.delete(client);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint: hostKey.fingerprint,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}
