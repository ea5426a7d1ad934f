import type { ConsoleStore, ReplayInfo } from '../../store/consoleStore';
import { FLUSH_INTERVAL_MS, type Ingest } from '../../store/ingest';
import type { SignalItem } from './signalItems';

/**
 * Recorded time between two flushes of a replay: the live ingest's own flush interval, so a rule's
 * hold begins and ends on the same beat as it did live (a coarser step fires rules late by up to
 * two steps).
 */
export const REPLAY_STEP_MS = FLUSH_INTERVAL_MS;
/** Real time between two advances while playing. */
const TICK_MS = 100;
export const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 300] as const;

/**
 * Plays signal items into an ingest on the recording's clock: each advance hands over what was
 * received up to the new time and flushes the ingest at that time, in steps of `REPLAY_STEP_MS`, so
 * rules, windows and the diagnosis are computed as they were live. The clock only moves forward;
 * going back is a new ingest played from the start (see `replaySession.ts`).
 */
export class ReplayDriver {
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly items: readonly SignalItem[],
    private readonly ingest: Ingest,
    private readonly store: ConsoleStore,
    private info: ReplayInfo,
    /** Told after every advance with the new time (the journal's records up to it are shown). */
    private readonly onAdvance: (at: number) => void,
  ) {
    store.setState({ replay: info });
  }

  get at(): number {
    return this.info.at;
  }

  get state(): ReplayInfo {
    return this.info;
  }

  /** Plays everything received up to `target` (within the recording), at full speed. */
  advanceTo(target: number): void {
    const end = Math.min(target, this.info.to);
    let at = this.info.at;
    while (at < end) {
      const step = Math.min(at + REPLAY_STEP_MS, end);
      while (this.next < this.items.length && (this.items[this.next] as SignalItem).t <= step)
        this.ingest.sink((this.items[this.next++] as SignalItem).event);
      this.ingest.flush(step);
      at = step;
    }
    const ended = at >= this.info.to;
    this.set({ at, ended, paused: this.info.paused || ended });
    this.onAdvance(at);
  }

  /** Starts the clock at the current speed (from the start again once it has ended). */
  play(): void {
    this.set({ paused: false });
    this.timer ??= setInterval(() => {
      if (!this.info.paused) this.advanceTo(this.info.at + TICK_MS * this.info.speed);
    }, TICK_MS);
    this.timer.unref?.();
  }

  pause(): void {
    this.set({ paused: true });
  }

  setSpeed(speed: number): void {
    this.set({ speed });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private set(patch: Partial<ReplayInfo>): void {
    this.info = { ...this.info, ...patch };
    this.store.setState({ replay: this.info });
  }
}
