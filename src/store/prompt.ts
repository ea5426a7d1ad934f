/** Where each pane keeps its filter text. */
export const PANE_QUERY = {
  logs: 'logQuery',
  containers: 'containerQuery',
  rates: 'serviceQuery',
  alerts: 'alertQuery',
} as const;

/** What `/` filters: the focused pane, or the alerts view's list. */
export type FilterTarget = keyof typeof PANE_QUERY;

/** A question the console is asking: free text, or one of a few choices picked by key. */
export interface Prompt {
  purpose:
    | 'declare-title'
    | 'declare-severity'
    | 'note'
    | 'hand-over'
    | 'give-steps'
    | 'status'
    | 'resolve-anyway'
    | 'severity'
    | 'confirm-step'
    | 'parameter'
    | 'filter'
    | 'jump'
    | 'silence-matchers'
    | 'silence-duration'
    | 'silence-confirm'
    | 'expire-silences'
    | 'confirm-container'
    | 'confirm-container-again'
    | 'scale-workload'
    | 'container-filter'
    | 'update';
  label: string;
  /** Lines shown under the question: exactly what accepting it will do. */
  details?: string[];
  value: string;
  /** Where typing goes, in characters from the start; absent: at the end. */
  cursor?: number;
  /** Esc keeps what was typed under this key (an update's draft), for the next time it is asked. */
  keepAs?: string;
  choices?: { key: string; label: string; value: string }[];
  /** Carried from one step to the next (the title while the severity is asked). */
  carry?: string;
  /** A silence being prepared: its matchers as typed, then its duration. */
  silence?: { matchers: string; durationMs?: number };
  /** For a filter: the pane it filters (live, as it is typed). */
  filterOf?: FilterTarget;
  /** What the prompt confirms, as its controller encoded it: kept, never shown. */
  action?: string;
  /** The overlay the prompt was asked from, which Esc and Enter go back to (the describe view). */
  returnTo?: 'container';
}
