import type { SourceState } from '../model/sourceEvents';
import { backoffDelay } from './backoff';

/** A failure no retry can fix (a host key that does not match): the loop stops and says why. */
export class PermanentFailure extends Error {}

/** One attempt of a link, as the loop hands it to the session. */
export interface LinkAttempt {
  /** False on reconnects, so a source can mark the gap and resume where it was. */
  first: boolean;
  /** Aborts when the loop is stopped. */
  signal: AbortSignal;
  /** Called once the link is up. */
  connected: () => void;
}

export interface ReconnectLoopOptions {
  /** One connection, from connecting until it is lost: it returns (or throws) when it ends. */
  session(attempt: LinkAttempt): Promise<void>;
  /** Every change of state, with the reason and the time of the next attempt when there is one. */
  onState(state: SourceState, detail: { reason?: string; nextTryAt?: number }): void;
  baseMs?: number;
  maxMs?: number;
  /**
   * How long a connection must have been up for its loss to count as a first failure again: 0 resets
   * on every connect; a command that exits at once must not be restarted in a tight loop.
   */
  healthyAfterMs?: number;
  /** Why a session that returned without an error ended. */
  endedReason?: string;
  random?: () => number;
}

/**
 * The one reconnect loop of every long-lived link (SSH hosts, the Docker engine and its log streams,
 * streaming log commands): connect, run until lost, wait with exponential backoff and jitter, try
 * again with a fresh connection, until stopped or a permanent failure.
 */
export class ReconnectLoop {
  private controller: AbortController | undefined;
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ReconnectLoopOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
    this.options.onState('stopped', {});
  }

  private async run(): Promise<void> {
    const { baseMs = 1000, maxMs = 30_000, healthyAfterMs = 0, random = Math.random } = this.options;
    let failures = 0;
    let first = true;
    let reason: string | undefined;
    while (!this.stopped) {
      this.controller = new AbortController();
      let connectedAt: number | undefined;
      this.options.onState(first ? 'connecting' : 'reconnecting', reason === undefined ? {} : { reason });
      try {
        await this.options.session({
          first,
          signal: this.controller.signal,
          connected: () => {
            connectedAt = Date.now();
            this.options.onState('connected', {});
          },
        });
        reason = this.options.endedReason ?? 'the connection ended';
      } catch (err) {
        if (err instanceof PermanentFailure) {
          this.running = false;
          if (!this.stopped) this.options.onState('failed', { reason: err.message });
          return;
        }
        reason = (err as Error)?.message ?? String(err);
      }
      if (this.stopped) break;
      first = false;
      failures = connectedAt !== undefined && Date.now() - connectedAt >= healthyAfterMs ? 1 : failures + 1;
      const delay = backoffDelay(failures, baseMs, maxMs, random);
      this.options.onState('reconnecting', { reason, nextTryAt: Date.now() + delay });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    this.running = false;
  }
}
