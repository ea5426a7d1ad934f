/** What the data says happened: the change, what is new in the logs, and where failures start. */
export interface Diagnosis {
  /** One line for the header, triage and status. */
  summary: string;
  /** When the errors began (the earliest failing template after the change, or the rule's breach). */
  errorsBeganAt?: number;
  /** The latest release before the errors began. */
  change?: {
    service: string;
    from?: string;
    to: string;
    at: number;
    delayMs?: number;
    /** The release no longer runs: a later one (a rollback) replaced it. */
    replaced?: { to: string; at: number };
  };
  /** New (since the release) or spiking templates that carry errors, most lines first. */
  patterns: {
    service: string;
    template: string;
    count: number;
    firstSeen: number;
    kind: 'new' | 'spiking';
  }[];
  /** The service most often first to fail requests that failed on several, and its share of them. */
  origin?: { service: string; share: number; requests: number };
}

/**
 * What the diagnosis says, without its counts or its templates' order: it is recorded again only
 * when this changes. Two templates of one bug trade places by count every few seconds; that is not
 * news for the timeline.
 */
export function diagnosisKey(d: Diagnosis): string {
  return JSON.stringify([
    d.change?.service,
    d.change?.to,
    d.patterns.map((p) => `${p.service} ${p.template}`).sort(),
    d.origin?.service,
  ]);
}
