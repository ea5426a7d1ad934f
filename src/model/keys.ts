/** The console's input modes: each has its own key bindings. */
export type KeyMode =
  | 'dashboard'
  | 'timeline'
  | 'triage'
  | 'alerts'
  | 'patterns'
  | 'help'
  | 'confirm-quit'
  | 'prompt'
  | 'palette'
  | 'detail'
  | 'container';

export interface KeyBinding<A extends string = string> {
  /** Key names: "q", "?", "tab", "up", "ctrl+c", "pagedown"... */
  keys: string[];
  action: A;
  description: string;
  /** Passed to the action: which choice or checklist item a number key picks. */
  arg?: number;
  /** Listed (help, palette) only in a replay: its clock's keys. */
  replayOnly?: boolean;
}

/** Key bindings by mode; `global` ones work in every main view (dashboard, timeline, triage, alerts, patterns). */
export type Bindings<A extends string = string> = Partial<Record<KeyMode | 'global', KeyBinding<A>[]>>;
