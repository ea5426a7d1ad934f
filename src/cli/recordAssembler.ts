import type { LogRecord } from '../logs/logRecord';
import { MultilineJoiner } from '../logs/multiline';

interface Held {
  record: LogRecord;
  /** The input line numbers the record spans (1-based), for `--patterns --json`. */
  lineNumbers: number[];
  timer?: NodeJS.Timeout;
}

/**
 * The CLI's side of multi-line records, as the console's: per source, each record is held until
 * its next line shows whether it continues (a stack trace's frame) or starts another; when
 * following, a record is let go after `holdMs` without a next line, so a lone error is not kept.
 */
export class RecordAssembler {
  private readonly joiner = new MultilineJoiner();
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly emit: (record: LogRecord, lineNumbers: number[]) => void,
    private readonly holdMs?: number,
    private readonly afterTimer?: () => void,
  ) {}

  line(source: string, raw: string, at: number, lineNumber: number, parse: () => LogRecord): void {
    const h = this.held.get(source);
    if (h && this.joiner.join(source, raw, at, h.record)) {
      h.lineNumbers.push(lineNumber);
      this.arm(source, h, true);
      return;
    }
    if (h) this.release(source, h);
    const record = parse();
    const mayContinue = this.joiner.start(source, raw, at, record);
    const next: Held = { record, lineNumbers: [lineNumber] };
    this.held.set(source, next);
    this.arm(source, next, mayContinue);
  }

  /** Lets every held record go (the inputs ended, or the command stops). */
  flushAll(): void {
    for (const [source, h] of [...this.held]) this.release(source, h);
  }

  /** Following, a record that lines may join waits `holdMs` for the next; any other goes at once. */
  private arm(source: string, h: Held, mayContinue: boolean): void {
    if (this.holdMs === undefined) return;
    clearTimeout(h.timer);
    if (!mayContinue) {
      this.release(source, h);
      return;
    }
    h.timer = setTimeout(() => {
      this.release(source, h);
      this.afterTimer?.();
    }, this.holdMs);
  }

  private release(source: string, h: Held): void {
    clearTimeout(h.timer);
    if (this.held.get(source) === h) this.held.delete(source);
    this.emit(h.record, h.lineNumbers);
  }
}
