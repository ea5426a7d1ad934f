import type { Socket } from 'node:net';

/**
 * What a connection may cost before it has authenticated, as OpenSSH's sshd bounds it: a deadline
 * for the client's banner, one for authentication (LoginGraceTime, which OpenSSH sets at 120 s),
 * and how many unauthenticated connections are held at once (MaxStartups start:rate:full, 10:30:100
 * in OpenSSH): past `start`, a new one is refused with probability `rate`%, rising linearly to
 * every one at `full`.
 */
export interface LoginLimits {
  /** Milliseconds from the TCP accept to the client's SSH banner (a real client sends it at once). */
  bannerTimeoutMs: number;
  /** Milliseconds from the TCP accept to a successful authentication. */
  loginGraceMs: number;
  maxStartups: { start: number; rate: number; full: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  bannerTimeoutMs: 10_000,
  loginGraceMs: 30_000,
  maxStartups: { start: 10, rate: 30, full: 100 },
};

/** How often a burst of the same refusal is summed up in one log line. */
const SUMMARY_MS = 10_000;

/** One accepted TCP connection, until it authenticates or goes. */
export interface Admission {
  /** Where it came from, read at accept (the socket may be gone by the time someone asks). */
  from: string;
  /** Its SSH banner arrived: the banner deadline no longer applies. */
  greeted(): void;
  /** It authenticated: no deadline applies any more, and it no longer counts as a startup. */
  authenticated(): void;
}

/**
 * Admits TCP connections to the SSH server and closes those that overstay their welcome before
 * authenticating. Each refusal and each expired deadline is logged; a burst of the same kind is
 * logged once, then summed up every 10 s, so a flood cannot flood the log too.
 */
export class LoginGate {
  private unauthenticated = 0;
  private readonly pending = new Map<string, Admission>();
  private readonly bursts = new Map<string, { count: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly log: (line: string) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** Unauthenticated connections held now. */
  get startups(): number {
    return this.unauthenticated;
  }

  /** Takes a new socket, or closes it (and says why); the admission is found again by its address. */
  admit(socket: Socket): Admission | undefined {
    // Reset before it was accepted: nothing to admit.
    if (socket.remoteAddress === undefined) {
      socket.destroy();
      return undefined;
    }
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    const { start, rate, full } = this.limits.maxStartups;
    const n = this.unauthenticated;
    const dropPercent =
      n < start ? 0 : n >= full ? 100 : rate + ((100 - rate) * (n - start)) / (full - start);
    if (dropPercent > 0 && this.random() * 100 < dropPercent) {
      socket.destroy();
      this.note(
        `${from}: refused: ${n} connections have not authenticated yet (max-startups ${start}:${rate}:${full})`,
        `connections refused: too many had not authenticated yet (max-startups ${start}:${rate}:${full})`,
      );
      return undefined;
    }
    this.unauthenticated++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.unauthenticated--;
      clearTimeout(banner);
      clearTimeout(grace);
      this.pending.delete(from);
    };
    const banner = setTimeout(() => {
      const within = `within ${seconds(this.limits.bannerTimeoutMs)}`;
      this.note(`${from}: no SSH banner ${within}; closed`, `connections closed: no SSH banner ${within}`);
      socket.destroy();
    }, this.limits.bannerTimeoutMs);
    const grace = setTimeout(() => {
      const within = `within ${seconds(this.limits.loginGraceMs)}`;
      this.note(
        `${from}: not authenticated ${within}; closed`,
        `connections closed: not authenticated ${within}`,
      );
      socket.destroy();
    }, this.limits.loginGraceMs);
    socket.once('close', release);
    const admission: Admission = {
      from,
      greeted: () => clearTimeout(banner),
      authenticated: release,
    };
    this.pending.set(from, admission);
    return admission;
  }

  /** The admission of the connection from `ip:port`, while it has not authenticated. */
  find(ip: string | undefined, port: number | undefined): Admission | undefined {
    return this.pending.get(`${ip}:${port}`);
  }

  /**
   * Logs `line` at once when it is the first of its `kind` (a summary of it), and how many more
   * there were every 10 s while they go on.
   */
  private note(line: string, kind: string): void {
    const burst = this.bursts.get(kind);
    if (burst) {
      burst.count++;
      return;
    }
    this.log(line);
    const timer = setInterval(() => {
      const b = this.bursts.get(kind);
      if (!b || b.count === 0) {
        clearInterval(timer);
        this.bursts.delete(kind);
        return;
      }
      this.log(`${kind}: ${b.count} more in the last ${seconds(SUMMARY_MS)}`);
      b.count = 0;
    }, SUMMARY_MS);
    timer.unref();
    this.bursts.set(kind, { count: 0, timer });
  }

  stop(): void {
    for (const { timer } of this.bursts.values()) clearInterval(timer);
    this.bursts.clear();
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
