import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactNode } from 'react';
import type { LogBuffer } from '../../src/logs/logBuffer';
import { createConsoleControls } from '../../src/session/consoleControls';
import type { ConsoleStore } from '../../src/store/consoleStore';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';

/** A stdout of fixed size that keeps the last frame, so tests see what a person at that size would. */
class FixedSizeStdout extends EventEmitter {
  lastFrame = '';
  frames = 0;
  isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.lastFrame = frame;
    this.frames++;
    return true;
  };
}

class KeyStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.pending;
    this.pending = null;
    return d;
  };
  press(data: string) {
    this.pending = data;
    this.emit('readable');
  }
}

export function renderAtSize(tree: ReactNode, columns: number, rows: number) {
  const stdout = new FixedSizeStdout(columns, rows);
  const stdin = new KeyStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FixedSizeStdout(columns, rows) as unknown as NodeJS.WriteStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  // Settled means React and Ink have nothing left to draw: no new frame over several turns of the event
  // loop (React schedules its renders with setImmediate in Node, and Ink draws unthrottled in debug).
  const until = async (done: () => boolean) => {
    const deadline = Date.now() + 2_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  };
  const settle = async () => {
    const deadline = Date.now() + 2_000;
    let quietTurns = 0;
    while (quietTurns < 5 && Date.now() < deadline) {
      const before = stdout.frames;
      await new Promise((r) => setImmediate(r));
      quietTurns = stdout.frames === before ? quietTurns + 1 : 0;
    }
  };
  return {
    frame: () => stdout.lastFrame,
    async press(...keys: string[]) {
      for (const k of keys) {
        const before = stdout.frames;
        stdin.press(k);
        // Ink holds a lone Esc for a moment (it may start a sequence): wait for the frame it changes.
        if (k === '\u001b') await until(() => stdout.frames > before);
        await settle();
      }
    },
    settle,
    unmount: () => instance.unmount(),
  };
}

/** The whole console (App with its controls) over a store and a log buffer, at a fixed size. */
export function renderConsole(
  { store, logs }: { store: ConsoleStore; logs: LogBuffer },
  columns: number,
  rows: number,
  options: { color?: boolean; exit?: () => void } = {},
) {
  const controls = createConsoleControls({ store, logs, exit: options.exit ?? (() => {}) });
  return renderAtSize(
    <ConsoleContext.Provider value={{ store, logs, controls, color: options.color ?? false }}>
      <App threshold={0.05} />
    </ConsoleContext.Provider>,
    columns,
    rows,
  );
}

export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function plain(frame: string): string {
  return frame.replace(ANSI, '');
}
