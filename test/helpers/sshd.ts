import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/freePort';

/** Every process below `root` in the process tree, from /proc. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/**
 * A real OpenSSH server on 127.0.0.1 with a generated host key, accepting one generated user key
 * for root, logging verbosely to a file the tests read. Can be killed and restarted on the same
 * port to test reconnects.
 */
export class TestSshd {
  /**
   * `address` to listen on; `netns`, a network namespace to run in (its address is then reached
   * through the namespace's veth link).
   */
  constructor(
    readonly address = '127.0.0.1',
    private readonly netns?: string,
  ) {}

  readonly dir = mkdtempSync(join(tmpdir(), 'oc-sshd-'));
  readonly hostKey = join(this.dir, 'host_ed25519');
  readonly userKey = join(this.dir, 'user_ed25519');
  readonly log = join(this.dir, 'sshd.log');
  port = 0;
  private child: ChildProcess | undefined;

  async init(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.hostKey]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.userKey]);
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(`${this.userKey}.pub`));
    this.port = await freePort();
    writeFileSync(
      join(this.dir, 'sshd_config'),
      [
        `Port ${this.port}`,
        `ListenAddress ${this.address}`,
        `HostKey ${this.hostKey}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'AllowStreamLocalForwarding yes',
        'AllowTcpForwarding yes',
        'LogLevel DEBUG1',
        'Banner none',
        '',
      ].join('\n'),
    );
  }

  /** The known_hosts line for this server's real key. */
  knownHostsLine(): string {
    const [type, key] = readFileSync(`${this.hostKey}.pub`, 'utf8').trim().split(/\s+/);
    return `[${this.address}]:${this.port} ${type} ${key}`;
  }

  async start(): Promise<void> {
    const argv = ['/usr/sbin/sshd', '-D', '-e', '-f', join(this.dir, 'sshd_config')];
    const [file, ...args] = (this.netns ? ['ip', 'netns', 'exec', this.netns, ...argv] : argv) as [
      string,
      ...string[],
    ];
    this.child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (d: Buffer) => writeFileSync(this.log, d, { flag: 'a' }));
    const deadline = Date.now() + 10_000;
    const { connect } = await import('node:net');
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, this.address, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error('sshd did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the listener and every session (SIGKILL to the process group of sessions too). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    for (const pid of [...descendants(child.pid as number), child.pid as number]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise<void>((resolve) =>
      child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  }

  logText(): string {
    try {
      return readFileSync(this.log, 'utf8');
    } catch {
      return '';
    }
  }
}
