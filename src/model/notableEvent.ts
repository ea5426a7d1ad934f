/** A rule crossing its line (fired) or falling back under it (cleared). */
export interface RuleEventData {
  service: string;
  rule: string;
  description: string;
  value: number;
  above: number;
  forMs: number;
}

export interface ReleaseEventData {
  service: string;
  host: string;
  from?: string;
  to: string;
  reason: string;
  /** The service went back to a version it ran before: a mitigation, never an incident's trigger. */
  rollback?: boolean;
  /** The image ids (Docker's sha256) before and after, when a container showed them: a rollback's target. */
  fromImageId?: string;
  toImageId?: string;
}

export interface SourceEventData {
  source: string;
  state: string;
  reason?: string;
  /**
   * A summary of a flapping link: how many changes were folded into it (see store/linkEvents) and
   * when the first of them happened.
   */
  count?: number;
  since?: number;
}

export interface ContainerEventData {
  id: string;
  name: string;
  host: string;
  state: string;
  /** How many times this change happened within the dedupe window (a crash loop is one event). */
  count: number;
  restarts: number;
  exitCode?: number;
}

/** A Kubernetes event worth the timeline (BackOff, OOMKilling, FailedScheduling, Unhealthy, image pulls). */
export interface ClusterEventData {
  namespace: string;
  /** kind/name of the object it is about, e.g. Pod/api-7d9f-x2x. */
  object: string;
  reason: string;
  message: string;
  /** How many times the API has seen it (it aggregates repeats). */
  count: number;
}

/**
 * A notable observation the console shows in its event strip, and the incident timeline records
 * (as `rule.fired`, `rule.cleared`, `release`, `source.state` or `container.state`).
 */
export type NotableEvent = {
  at: number;
  severity: 'info' | 'warning' | 'critical';
  text: string;
} & (
  | { kind: 'rule-fired' | 'rule-cleared'; data: RuleEventData }
  | { kind: 'release'; data: ReleaseEventData }
  | { kind: 'source'; data: SourceEventData }
  | { kind: 'container'; data: ContainerEventData }
  | { kind: 'cluster-event'; data: ClusterEventData }
);

export type ReleaseEvent = Extract<NotableEvent, { kind: 'release' }>;
