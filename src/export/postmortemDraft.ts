import type { CommandRun } from './commandsRun';
import type { TriageRun } from './decisionPath';
import type { Impact } from './impact';
import type { KeyTimeName } from './keyTimes';
import type { RatesByMinute, RequestTrail } from './logEvidence';
import type { StakeholderUpdates } from './stakeholderUpdates';
import type { Suggested } from './suggestions';

/** A post-mortem draft as data; the Markdown is one rendering of it, the JSON export another. */
export interface Postmortem {
  header: {
    id: string;
    title: string;
    severity: string;
    status: string;
    commander: string;
    responders: string[];
    roles: Record<string, string>;
    declaredAt: string;
    resolvedAt: string | null;
  };
  summary: string;
  impact: Impact;
  /** Each moment, and for those with several possible sources, which one it was taken from. */
  keyTimes: { name: KeyTimeName; at: string | null; basis?: string }[];
  durations: { name: string; ms: number | null }[];
  timeline: { at: string; kind: string; actor: string; text: string; evidence: string; starred: boolean }[];
  /** One block per run of a playbook, with its answers, its actions and its outcome. */
  decisionPath: TriageRun[];
  commands: CommandRun[];
  updates: StakeholderUpdates;
  evidence: {
    pinnedLines: { at: string; source: string; line: string; context: string[] }[];
    sparklines: { service: string; line: string }[];
    /** The requests pinned or pivoted on, through every service (from the log store). */
    trails: RequestTrail[];
    ratesByMinute: RatesByMinute;
  };
  actionItems: { text: string; by: string; at: string }[];
  runbookFeedback: string[];
  /**
   * What the data suggests for the sections the author writes (rollbacks are mitigations, never the
   * trigger); shown under "suggested from the data — confirm or replace".
   */
  suggested: Suggested;
  /** Null when the journal's hash chain verifies; else where it first breaks. */
  integrity: string | null;
  /** Records in the chain whose content could not be read (left out of everything above). */
  unreadableRecords: string[];
}
