/**
 * Who may do what on a shared console (`opsconsole serve`): the commander (and whoever they hand
 * it to) runs steps and changes the incident; responders add notes, pins and stars; viewers read.
 */
export type ResponderRole = 'commander' | 'responder' | 'viewer';

/** A person connected to the shared console, as everyone's header shows them. */
export interface ConnectedResponder {
  name: string;
  /** The role their key grants; the open incident's commander acts as commander whatever this says. */
  role: ResponderRole;
  /** Their open sessions (one person may connect twice). */
  sessions: number;
}
