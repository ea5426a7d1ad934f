import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import ssh2, { type ParsedKey, type ServerChannel } from 'ssh2';
import { ensurePrivateDir, writeFileAtomic } from '../files/privateFiles';
import { inertText } from '../text/inert';
import { type AuthorizedKey, AuthorizedKeysError } from './authorizedKeys';
import { AuthorizedKeysFile, type KeysNow } from './authorizedKeysFile';
import { DEFAULT_LOGIN_LIMITS, LoginGate, type LoginLimits } from './loginGate';

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
  /** Deadlines and counts before authentication (see `LoginLimits`); OpenSSH-like defaults. */
  loginLimits?: Partial<LoginLimits>;
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
/**
 * A new ed25519 host key in OpenSSH's format. ssh2's generator drops the leading zero bytes of a
 * public key that begins with one (about 1 key in 256: mscdex/ssh2#1390, #1513) and so writes a key
 * that neither it nor ssh-keygen can read; such a key is drawn again. Twenty draws all failing would
 * take odds of 256^-20: that is a broken generator, said as such.
 */
export function newHostKey(): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error))
      return pair.private;
  }
  throw new Error('could not make an ed25519 host key that parses back');
}

export function loadOrCreateHostKey(path: string): {
  privateKey: string;
  fingerprint: string;
  created: boolean;
} {
  const created = !existsSync(path);
  if (created) {
    ensurePrivateDir(dirname(path));
    writeFileAtomic(path, newHostKey());
  }
  const privateKey = readFileSync(path, 'utf8');
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`${path}: not a private key ssh2 can read: ${parsed.message}`);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  return { privateKey, fingerprint: fingerprintOf(key.getPublicSSH()), created };
}

/** Errors that only say the client went away: routine, not worth a line each. */
const HUNG_UP = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT']);

/** What the keys file's outcome is, for the log: loud when it refuses everyone. */
export function describeKeys(path: string, now: KeysNow): string {
  if (!now.usable)
    return `REFUSING EVERY KEY until the authorized-keys file is fixed: ${now.problem} (it is read again on change; no restart needed)`;
  const n = now.keys.length;
  return n === 0
    ? `warning: ${path} holds no keys: nobody can connect until one is added (no restart needed)`
    : `${path}: ${n} key${n === 1 ? '' : 's'}`;
}

/**
 * The SSH server of `opsconsole serve` (ssh2's, fed by a TCP server of ours so that connections
 * are bounded before they authenticate, see `LoginGate`): public keys only, checked against the
 * authorized-keys file (read again when it changes, so a key added needs no restart); a shell with
 * a pseudo-terminal and nothing else (no exec, subsystems, forwarding or agent).
 */
export async function startSshServer(options: SshServerOptions): Promise<{
  port: number;
  fingerprint: string;
  /** How many keys the file held at start (a file that cannot be used at start is thrown). */
  keys: number;
  /** Connections accepted that have not authenticated yet. */
  startups(): number;
  stop(): Promise<void>;
}> {
  const hostKey = loadOrCreateHostKey(options.hostKeyPath);
  const maxSessions = options.maxSessions ?? 32;
  const maxAuth = options.maxAuthAttempts ?? 6;
  const idleMs = options.idleTimeoutMs ?? 30 * 60_000;
  let started = false;
  const keysFile = new AuthorizedKeysFile(options.authorizedKeysPath, (now) => {
    if (started) options.log(describeKeys(options.authorizedKeysPath, now));
  });
  const keysAtStart = keysFile.current();
  // A file that is wrong at start is the operator's to fix before anyone connects.
  if (!keysAtStart.usable) throw new AuthorizedKeysError(keysAtStart.problem);
  started = true;
  const gate = new LoginGate({ ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits }, options.log);
  let open = 0;
  const sockets = new Set<Socket>();
  const server = new Server({ hostKeys: [hostKey.privateKey], ident: 'opsconsole' }, (client, info) => {
    const admission = gate.find(info.ip, info.port);
    // Its socket is gone already (it hung up right after its banner): nothing to serve.
    if (!admission) return client.end();
    admission.greeted();
    const { from } = admission;
    let attempts = 0;
    let who: AuthorizedKey | undefined;
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
      const keys = keysFile.current();
      if (!keys.usable) {
        options.log(`${from}: refused key ${fingerprintOf(offered)}: ${keys.problem}`);
        return ctx.reject(['publickey']);
      }
      const match = keys.keys.find(({ parsed }) => {
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
      admission.authenticated();
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
    // A client's disconnect reason is its own text: shown inert. One that just went away is not news.
    client.on('error', (err: NodeJS.ErrnoException) => {
      if (!HUNG_UP.has(err.code ?? '')) options.log(`${from}: ${inertText(err.message)}`);
    });
  });
  const listener = createServer((socket) => {
    // ssh2 reports errors of the connections it was handed; before it has one, this one stays quiet.
    socket.on('error', () => {});
    if (!gate.admit(socket)) return;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    server.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (listener.address() as AddressInfo).port,
    fingerprint: hostKey.fingerprint,
    keys: keysAtStart.keys.length,
    startups: () => gate.startups,
    stop: () =>
      new Promise<void>((resolve) => {
        gate.stop();
        listener.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
