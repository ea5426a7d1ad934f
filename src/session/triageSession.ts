import type { ThresholdRuleSpec } from '../metrics/thresholdRule';
import type { CommandTarget } from '../model/command';
import { serviceOf } from '../model/sourceEvents';
import type { LiveFacts } from '../playbooks/evaluateCondition';
import { PlaybookRun } from '../playbooks/playbookRun';
import type { Playbook } from '../playbooks/schema';
import { announce, type ConsoleStore } from '../store/consoleStore';
import { localTarget } from '../transport/localCommand';
import { firstLineOf } from '../userError';
import { acceptedValues, deployFromSources, rollbackImages } from './deployKind';
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
  /** Deploy kinds the operator answered, by service, when neither the config nor the sources said. */
  private readonly answeredKinds = new Map<string, string>();

  constructor(
    private readonly store: ConsoleStore,
    private readonly playbooks: Map<string, Playbook>,
    private readonly incident: IncidentSession,
    private readonly env: TriageEnvironment,
    /** Requests and errors of a service since a time (the ingest's counters), for verifications. */
    private readonly rateSince?: LiveFacts['rateSince'],
    /** The console's threshold rules: their lines and hold times, for "the rule cleared". */
    private readonly rules: readonly ThresholdRuleSpec[] = [],
  ) {}

  get current(): PlaybookRun | undefined {
    return this.run;
  }

  /** Whether a playbook of that id is loaded. */
  hasPlaybook(id: string): boolean {
    return this.playbooks.has(id);
  }

  /** Every loaded playbook, by id: what the palette offers to open by name. */
  catalog(): { id: string; title: string }[] {
    return [...this.playbooks.values()]
      .map((p) => ({ id: p.id, title: p.title }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Whether the current run stands at an outcome that leads nowhere else: the walk is over. */
  get finished(): boolean {
    const node = this.run?.node;
    return node?.kind === 'outcome' && !node.playbook;
  }

  /** Starts `id` (the triage tree by default) with parameters filled from live data and config. */
  start(id = TRIAGE_PLAYBOOK): PlaybookRun {
    const playbook = this.playbooks.get(id);
    if (!playbook) throw new Error(`no playbook "${id}" is loaded`);
    const state = this.store.getState();
    const service = failingService(state);
    const values: Record<string, string> = { opsconsole: this.env.opsconsolePath, host: 'local' };
    // The deploy kind: the config's, else what the sources saw, else what the operator answered here.
    const configured = service ? this.env.variantOf(service) : undefined;
    const seen = service ? deployFromSources(state, service) : undefined;
    const answered = service ? this.answeredKinds.get(service) : undefined;
    const variant = configured ?? seen?.kind ?? answered;
    const variantEvidence = configured
      ? `deploy.kind ${configured} in the config`
      : seen
        ? seen.evidence
        : answered && `answered earlier in this console`;
    if (service) {
      values.service = service;
      values.host = this.env.hostOf(service);
      Object.assign(
        values,
        acceptedValues(playbook, { ...seen?.params, ...rollbackImages(state, service) }),
        this.env.valuesOf(service),
      );
      const previous = previousVersion(state, service);
      if (previous) values.version = previous;
      const current = Object.values(state.containers).find((c) => serviceOf(c) === service)?.version;
      if (current) values.currentVersion = current;
    }
    this.run = new PlaybookRun(playbook, {
      facts: () => ({
        ...liveFactsFrom(this.store.getState()),
        ...(this.rateSince && { rateSince: this.rateSince }),
        ruleLines: Object.fromEntries(
          this.rules.map((r) => [r.id, { above: r.above, forMs: r.forMs, signal: r.signal }]),
        ),
      }),
      record: (kind, payload) => {
        this.incident.record(kind, payload);
      },
      targetFor: (host) => (host === 'local' ? localTarget : this.env.targetFor(host)),
      values,
      ...(variant && { variant }),
      ...(variantEvidence && { variantEvidence }),
      onChange: (view) => {
        // Asked once: the kind answered for a service holds for its later runs in this console.
        const kind = this.run?.deployKind;
        if (service && kind && !variant) this.answeredKinds.set(service, kind);
        this.store.setState({ triage: view });
      },
    });
    this.store.setState({ triage: this.run.view() });
    this.timer ??= setInterval(() => this.tick(), 1000);
    return this.run;
  }

  /** At an outcome that names another playbook, continue with it (a watching outcome records why). */
  follow(): boolean {
    const next = this.run?.acceptOutcome();
    if (!next) return false;
    this.start(next);
    return true;
  }

  /**
   * Verification steps and watching outcomes re-check the live data every second; proposals
   * refresh as data moves.
   */
  private tick(): void {
    const run = this.run;
    if (!run) return;
    try {
      if (run.node.kind === 'verify') run.tickVerify();
      else if (run.node.kind === 'outcome') run.tickWatch();
      else if (run.node.kind === 'question') this.store.setState({ triage: run.view() });
    } catch (err) {
      // A verification result the journal refused: say so, keep the console running.
      announce(
        this.store.shared,
        `could not record: ${firstLineOf(err)}`,
        undefined,
        this.store.getState().now,
      );
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.run?.cancelStep();
  }
}
