import type { CommandTarget } from '../model/command';
import type { LiveFacts } from '../playbooks/evaluateCondition';
import { PlaybookRun } from '../playbooks/playbookRun';
import type { Playbook } from '../playbooks/schema';
import { type ConsoleStore, withMessage } from '../store/consoleStore';
import { localTarget } from '../transport/localCommand';
import { firstLineOf } from '../userError';
import type { IncidentSession } from './incidentSession';
import { failingService, liveFactsFrom, previousVersion } from './liveFacts';

/** How playbook steps reach the systems of one environment. */
export interface TriageEnvironment {
  /** The deploy kind of a service ("demo", "kubectl", ...), choosing the rollback variant. */
  variantOf(service: string): string | undefined;
  /** Host name of a service, for `{{host}}`. */
  hostOf(service: string): string;
  /** Parameter values from the service's config (deploy params). */
  valuesOf(service: string): Record<string, string>;
  targetFor(host: string): CommandTarget;
  /** Absolute path of the opsconsole launcher, for `{{opsconsole}}`. */
  opsconsolePath: string;
}

export const TRIAGE_PLAYBOOK = 'triage';

/**
 * The console's guided triage: starts the triage tree, follows an outcome into the next playbook,
 * keeps verification steps checking the live data, and records everything in the incident journal.
 */
export class TriageSession {
  private run: PlaybookRun | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ConsoleStore,
    private readonly playbooks: Map<string, Playbook>,
    private readonly incident: IncidentSession,
    private readonly env: TriageEnvironment,
    /** Requests and errors of a service since a time (the ingest's counters), for verifications. */
    private readonly rateSince?: LiveFacts['rateSince'],
  ) {}

  get current(): PlaybookRun | undefined {
    return this.run;
  }

  /** Whether a playbook of that id is loaded. */
  hasPlaybook(id: string): boolean {
    return this.playbooks.has(id);
  }

  /** Starts `id` (the triage tree by default) with parameters filled from live data and config. */
  start(id = TRIAGE_PLAYBOOK): PlaybookRun {
    const playbook = this.playbooks.get(id);
    if (!playbook) throw new Error(`no playbook "${id}" is loaded`);
    const state = this.store.getState();
    const service = failingService(state);
    const values: Record<string, string> = { opsconsole: this.env.opsconsolePath, host: 'local' };
    if (service) {
      values.service = service;
      values.host = this.env.hostOf(service);
      Object.assign(values, this.env.valuesOf(service));
      const previous = previousVersion(state, service);
      if (previous) values.version = previous;
      const current = Object.values(state.containers).find((c) => c.name === service)?.version;
      if (current) values.currentVersion = current;
    }
    // A Deployment the cluster watch knows rolls back through the API (the kubernetes variant).
    const workload = service ? Object.values(state.workloads).find((w) => w.name === service) : undefined;
    if (workload) {
      values.namespace = workload.namespace;
      values.context = workload.cluster;
    }
    const variant = service
      ? (this.env.variantOf(service) ?? (workload?.kind === 'Deployment' ? 'kubernetes' : undefined))
      : undefined;
    this.run = new PlaybookRun(playbook, {
      facts: () => ({
        ...liveFactsFrom(this.store.getState()),
        ...(this.rateSince && { rateSince: this.rateSince }),
      }),
      record: (kind, payload) => {
        this.incident.record(kind, payload);
      },
      targetFor: (host) => (host === 'local' ? localTarget : this.env.targetFor(host)),
      values,
      ...(variant && { variant }),
      onChange: (view) => this.store.setState({ triage: view }),
    });
    this.store.setState({ triage: this.run.view() });
    this.timer ??= setInterval(() => this.tick(), 1000);
    return this.run;
  }

  /** At an outcome that names another playbook, continue with it. */
  follow(): boolean {
    const next = this.run?.view().outcome?.next;
    if (!next) return false;
    this.start(next);
    return true;
  }

  /** Verification steps re-check the live data every second; proposals refresh as data moves. */
  private tick(): void {
    const run = this.run;
    if (!run) return;
    try {
      if (run.node.kind === 'verify') run.tickVerify();
      else if (run.node.kind === 'question') this.store.setState({ triage: run.view() });
    } catch (err) {
      // A verification result the journal refused: say so, keep the console running.
      this.store.setState((s) => withMessage(s, `could not record: ${firstLineOf(err)}`));
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.run?.cancelStep();
  }
}
