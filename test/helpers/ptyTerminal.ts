import { spawn } from '@lydell/node-pty';
import xterm from '@xterm/headless';

const { Terminal } = xterm;

export interface PtyOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * A program in a real pseudo-terminal, its output parsed by a headless xterm at a fixed size, so a
 * test reads the screen a person would see. Waits poll the screen; nothing sleeps blindly.
 */
export class PtyTerminal {
  readonly term: InstanceType<typeof Terminal>;
  private readonly pty: ReturnType<typeof spawn>;
  raw = '';
  exitCode: number | undefined;
  readonly exited: Promise<number>;

  constructor(file: string, args: string[], options: PtyOptions = {}) {
    const cols = options.columns ?? 80;
    const rows = options.rows ?? 24;
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    const env: Record<string, string | undefined> = {
      ...process.env,
      TERM: 'xterm-256color',
      ...options.env,
    };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    this.pty = spawn(file, args, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: options.cwd ?? process.cwd(),
      env: env as Record<string, string>,
    });
    this.pty.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        // Let the last bytes reach the parser before anyone reads the screen.
        this.term.write('', () => resolve(exitCode));
      });
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** The visible screen as lines of text. */
  screen(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++)
      out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  text(): string {
    return this.screen().join('\n');
  }

  get onAlternateScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** True when the last cursor visibility change the program made was to show it. */
  get cursorShown(): boolean {
    return this.raw.lastIndexOf('\u001b[?25h') >= this.raw.lastIndexOf('\u001b[?25l');
  }

  /** `pollMs`: how often to read the screen (a benchmark timing a keypress reads it more often). */
  async waitFor(
    pattern: RegExp | ((screen: string) => boolean),
    timeoutMs = 20_000,
    pollMs = 50,
  ): Promise<string> {
    const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = this.text();
      if (test(s)) return s;
      if (this.exitCode !== undefined) break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    throw new Error(
      `screen never matched ${String(pattern)} within ${timeoutMs}ms; exit=${this.exitCode}; screen:\n${this.text()}`,
    );
  }

  press(keys: string): void {
    this.pty.write(keys);
  }

  kill(signal: NodeJS.Signals): void {
    this.pty.kill(signal);
  }

  resize(columns: number, rows: number): void {
    this.pty.resize(columns, rows);
    this.term.resize(columns, rows);
  }
}

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  escape: '\u001b',
  tab: '\t',
  enter: '\r',
  ctrlC: '\u0003',
  /** Clears a prompt's line (a declared title may come prefilled from a firing rule). */
  ctrlU: '\u0015',
};
