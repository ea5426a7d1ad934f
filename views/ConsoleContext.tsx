import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { LogBuffer } from '../src/logs/logBuffer';
import type { ConsoleControls } from '../src/session/consoleControls';
import type { ConsoleState, ConsoleStore } from '../src/store/consoleStore';

export interface ConsoleContextValue {
  store: ConsoleStore;
  logs: LogBuffer;
  /** The session's finished actions and its key dispatch: the view hands keys over, nothing more. */
  controls: ConsoleControls;
  /** False under NO_COLOR: every state must then be readable from its text alone. */
  color: boolean;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsoleContext(): ConsoleContextValue {
  const ctx = useContext(ConsoleContext);
  if (!ctx) throw new Error('ConsoleContext missing');
  return ctx;
}

/** Subscribes to one narrow slice of the store; the component re-renders only when it changes. */
export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  return useStore(useConsoleContext().store, selector);
}

/** A colour name, or undefined when colour is off. */
export function useColor(): (name: string) => string | undefined {
  const { color } = useConsoleContext();
  return (name) => (color ? name : undefined);
}
