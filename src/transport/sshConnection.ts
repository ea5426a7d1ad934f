import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { ensurePrivateDir } from '../files/privateFiles';
import type { CommandResult, CommandTarget, RunOptions } from '../model/command';
import { sanitize } from '../text/sanitize';
import { quoteForShell } from '../text/shellQuote';
import {
  fingerprint,
  hostKeyName,
  keyTypeOf,
  knownHostsLine,
  parseKnownHosts,
  verifyHostKey,
} from './knownHosts';
import { OutputTail } from './localCommand';
import { PermanentFailure, ReconnectLoop } from './reconnectLoop';

export interface SshTarget {
  /** The config's name for this host. */
  name: string;
  user: string;
  host: string;
  port: number;
  identityFile?: string;
  /** Authenticate with the agent at SSH_AUTH_SOCK (never forwarded to the host). */
  agent: boolean;
  knownHostsFile?: string;
  jump?: SshTarget;
  /** Keepalive interval; a link that answers none of three in a row is declared dead. */
  keepaliveMs?: number;
}

export type SshState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

/** A host key that must not be trusted; never retried automatically. */
export class HostKeyError extends PermanentFailure {
  constructor(
    message: string,
    readonly fingerprint: string,
  ) {
    super(message);
  }
}

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** Parses "user@host[:port]" (host may be [v6]). */
export function parseSshTarget(spec: string): { user: string; host: string; port: number } {
  // A user name, a host name or address (IPv6 in brackets), an optional port: no spaces, no shell
  // or URL punctuation, so a typo is caught here rather than by a DNS failure.
  const m = /^([A-Za-z0-9._-]+)@(\[[0-9A-Fa-f:.%a-z]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(spec);
  const port = m?.[3] ? Number(m[3]) : 22;
  if (!m || port < 1 || port > 65535)
    throw new Error(`expected user@host[:port] (port 1-65535), e.g. deploy@10.0.0.5:2222; got "${spec}"`);
  return { user: m[1] as string, host: (m[2] as string).replace(/^\[|\]$/g, ''), port };
}

const KEEPALIVE_MS = 10_000;
const KEEPALIVE_COUNT = 3;

/**
 * One SSH host, kept connected. Host keys are checked against known_hosts before any
 * authentication; a changed, revoked or unknown key stops the connection for good (a person must
 * decide). Other failures reconnect with backoff and jitter, each attempt with a fresh client. A
 * dead link is noticed by keepalives (10 s x 3). Agent forwarding is never requested.
 */
export class SshConnection extends EventEmitter {
  private client: Client | undefined;
  private stopped = false;
  private jump: SshConnection | undefined;
  /** Callers waiting for the attempt under way. */
  private waiters: { resolve: (c: Client) => void; reject: (e: Error) => void }[] = [];
  private readonly loop = new ReconnectLoop({
    session: (attempt) => this.session(attempt),
    onState: (state, { reason, nextTryAt }) => this.setState(state, reason, nextTryAt),
  });
  state: SshState = 'connecting';
  reason: string | undefined;
  /** The server's pre-authentication banner, sanitized. */
  banner: string | undefined;

  constructor(readonly target: SshTarget) {
    super();
    if (target.jump) this.jump = new SshConnection(target.jump);
  }

  private setState(state: SshState, reason?: string, nextTryAt?: number): void {
    this.state = state;
    this.reason = reason === undefined ? undefined : sanitize(reason);
    this.emit('state', state, this.reason, nextTryAt);
  }

  /** A connected client, connecting (or waiting for the attempt under way) if needed. */
  connected(): Promise<Client> {
    if (this.stopped) return Promise.reject(new Error(`connection to ${this.target.name} is stopped`));
    if (this.state === 'failed' && this.reason) return Promise.reject(new Error(this.reason));
    if (this.client && this.state === 'connected') return Promise.resolve(this.client);
    this.loop.start();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private knownHostsFile(): string {
    return this.target.knownHostsFile ?? defaultKnownHostsFile();
  }

  private settleWaiters(result: { client: Client } | { error: Error }): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) 'client' in result ? w.resolve(result.client) : w.reject(result.error);
  }

  /** One connection: a fresh client, up until it closes (the loop then reconnects). */
  private async session({
    signal,
    connected,
  }: {
    signal: AbortSignal;
    connected: () => void;
  }): Promise<void> {
    let client: Client;
    try {
      client = await this.connect();
    } catch (err) {
      this.settleWaiters({ error: err as Error });
      throw err;
    }
    this.client = client;
    connected();
    this.settleWaiters({ client });
    const reason = await new Promise<string>((resolve) => {
      client.on('error', (err) => resolve(err.message));
      client.on('close', () => resolve('connection closed'));
      signal.addEventListener('abort', () => client.end(), { once: true });
    });
    if (this.client === client) this.client = undefined;
    throw new Error(`${this.target.name}: ${reason}`);
  }

  /** A client that has passed the host key check and authenticated, or the reason it did not. */
  private async connect(): Promise<Client> {
    const { host, port, user, name } = this.target;
    const sock = this.jump ? await this.viaJump() : undefined;
    const client = new Client();
    let keyProblem: HostKeyError | undefined;
    const khFile = this.knownHostsFile();
    const entries = existsSync(khFile) ? parseKnownHosts(readFileSync(khFile, 'utf8')) : [];
    const config: ConnectConfig = {
      host,
      port,
      username: user,
      ...(sock && { sock }),
      readyTimeout: 15_000,
      keepaliveInterval: this.target.keepaliveMs ?? KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      agentForward: false,
      ...(this.target.agent && process.env.SSH_AUTH_SOCK && { agent: process.env.SSH_AUTH_SOCK }),
      ...(this.target.identityFile && { privateKey: readFileSync(this.target.identityFile) }),
      hostVerifier: (key: Buffer) => {
        const v = verifyHostKey(entries, host, port, key);
        const fp = fingerprint(key);
        if (v.verdict === 'trusted') return true;
        if (v.verdict === 'revoked')
          keyProblem = new HostKeyError(
            `host key of ${name} (${fp}) is REVOKED in ${khFile}:${v.line}; refusing to connect`,
            fp,
          );
        else if (v.verdict === 'changed') {
          keyProblem = new HostKeyError(
            `HOST KEY OF ${name} HAS CHANGED: it presented ${keyTypeOf(key)} ${fp}, which is not the key ${khFile}:${v.lines.join(',')} records. ` +
              'Someone may be intercepting the connection, or the host was rebuilt. Refusing to connect; check with the host owner before editing known_hosts.',
            fp,
          );
        } else {
          keyProblem = new HostKeyError(
            `host ${hostKeyName(host, port)} (${name}) is not in ${khFile}; it presented ${keyTypeOf(key)} ${fp}. ` +
              `If that fingerprint is right, trust it with: opsconsole trust-host ${user}@${host}:${port} --fingerprint ${fp}`,
            fp,
          );
        }
        return false;
      },
    };
    return new Promise<Client>((resolve, reject) => {
      client.on('banner', (message: string) => {
        this.banner = sanitize(message).slice(0, 2000);
      });
      const failed = (err?: Error) =>
        reject(keyProblem ?? new Error(`${name}: ${sanitize(err?.message ?? 'connection closed')}`));
      client.once('ready', () => {
        client.off('error', failed);
        client.off('close', failed);
        resolve(client);
      });
      client.once('error', failed);
      client.once('close', failed);
      client.connect(config);
    });
  }

  private async viaJump(): Promise<Duplex> {
    const jumpClient = await (this.jump as SshConnection).connected();
    return new Promise((resolve, reject) =>
      jumpClient.forwardOut('127.0.0.1', 0, this.target.host, this.target.port, (err, stream) =>
        err ? reject(err) : resolve(stream),
      ),
    );
  }

  /** A stream to a unix socket on the host (the Docker socket), through stream-local forwarding. */
  async openUnixSocket(path: string): Promise<Duplex> {
    const client = await this.connected();
    return new Promise((resolve, reject) =>
      client.openssh_forwardOutStreamLocal(path, (err, stream) =>
        err ? reject(new Error(sanitize(err.message))) : resolve(stream),
      ),
    );
  }

  /** Runs an argv on the host: every argument single-quoted for the remote shell. */
  get commandTarget(): CommandTarget {
    return { name: this.target.name, run: (argv, options) => this.exec(argv, options) };
  }

  async exec(
    argv: string[],
    { timeoutMs, signal, onOutput, maxOutputBytes }: RunOptions,
  ): Promise<CommandResult> {
    const started = performance.now();
    const client = await this.connected();
    const tail = new OutputTail(maxOutputBytes);
    return new Promise((resolve, reject) => {
      client.exec(quoteForShell(argv), (err, stream) => {
        if (err) return reject(new Error(sanitize(err.message)));
        let timedOut = false;
        let cancelled = false;
        let exitCode: number | undefined;
        const kill = () => {
          stream.signal('KILL');
          stream.close();
        };
        const timer = setTimeout(() => {
          timedOut = true;
          kill();
        }, timeoutMs);
        const onAbort = () => {
          cancelled = true;
          kill();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const take = (d: Buffer) => {
          tail.push(d);
          onOutput?.(d.toString('utf8'));
        };
        stream.on('data', take);
        stream.stderr.on('data', take);
        stream.on('exit', (code: number | null) => {
          exitCode = code ?? undefined;
        });
        stream.on('close', () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve({
            exitCode: exitCode ?? (timedOut || cancelled ? 137 : 255),
            durationMs: Math.round(performance.now() - started),
            output: tail.text(),
            outputBytes: tail.total,
            timedOut,
            cancelled,
          });
        });
      });
    });
  }

  stop(): void {
    this.stopped = true;
    this.loop.stop();
    this.client?.end();
    this.client = undefined;
    this.jump?.stop();
    this.settleWaiters({ error: new Error(`connection to ${this.target.name} is stopped`) });
    this.setState('stopped');
  }
}

/**
 * Fetches the key a host presents without authenticating, for `opsconsole trust-host`: the caller
 * shows its fingerprint and records it only when the operator vouches for it.
 */
export function fetchHostKey(host: string, port: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let key: Buffer | undefined;
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`no SSH answer from ${host}:${port} within ${timeoutMs}ms`));
    }, timeoutMs);
    client.on('error', (err) => {
      clearTimeout(timer);
      if (key) resolve(key);
      else reject(new Error(sanitize(err.message)));
    });
    client.connect({
      host,
      port,
      username: 'opsconsole-hostkey-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (k: Buffer) => {
        key = Buffer.from(k);
        clearTimeout(timer);
        resolve(key);
        return false; // never authenticate: this connection only reads the key
      },
    });
  });
}

export function trustHostKey(file: string, host: string, port: number, key: Buffer): string {
  ensurePrivateDir(dirname(file));
  const line = knownHostsLine(host, port, key, randomBytes(20));
  appendFileSync(file, `${line}\n`, { mode: 0o600 });
  return line;
}
