import { LogBuffer } from '../logs/logBuffer';
import type { ServiceSignalsView } from '../metrics/serviceSignals';
import { alertOrder } from '../model/alerts';
import type { Diagnosis } from '../model/diagnosis';
import { rolloutState, serviceOf } from '../model/sourceEvents';
import { AlertmanagerClient } from '../sources/alertmanagerClient';
import { startEnvironmentSources } from '../sources/environmentSources';
import { type ConsoleState, createConsoleStore } from '../store/consoleStore';
import { createIngest, type Ingest, SPARK_BUCKETS } from '../store/ingest';
import { formatPercent, parseDuration } from '../text/duration';
import { inertJson } from '../text/inert';
import { UserError } from '../userError';
import type { Command } from './commands';
import { WATCH_OPTIONS, watchedEnvironment } from './environment';
import { stdout } from './output';
import { type StatusVerdict, statusVerdict } from './statusVerdict';

/** The machine-readable snapshot `status --json` prints; stable field names for scripts. */
export function statusSnapshot(
  state: ConsoleState,
  services: ServiceSignalsView[] = Object.values(state.signals),
  verdict: StatusVerdict = statusVerdict(state, services),
) {
  return {
    environment: state.environment,
    at: new Date(state.now).toISOString(),
    containers: Object.values(state.containers),
    /** Kubernetes workloads (Deployments, StatefulSets, DaemonSets) and their rollouts. */
    workloads: Object.values(state.workloads).map((w) => ({ ...w, rollout: rolloutState(w) })),
    /** A cluster's log streams, when its logs are followed: received = shown + duplicates. */
    logStreams: state.logStreams ?? null,
    services: services.map((s) => ({
      service: s.service,
      errorRatio: { '1m': s.ratio1m ?? null, '5m': s.ratio5m ?? null, '10m': s.ratio10m ?? null },
      requests1m: s.requests1m,
      ratioSource: s.ratioSource,
      errorRatioFromLogs: { '1m': s.logRatio1m ?? null, requests1m: s.logRequests1m },
      p95Seconds: s.p95Seconds ?? null,
      unknownReason: s.unknownReason ?? null,
      rules: s.rules,
      health: s.health,
    })),
    sources: Object.values(state.sources),
    /** Releases seen during the sample, and what each service runs now. */
    releases: state.incident.events.flatMap((e) =>
      e.kind === 'release' ? [{ at: new Date(e.at).toISOString(), ...e.data }] : [],
    ),
    /** The data's account while something fails: the change, new failing templates, the origin. */
    diagnosis: state.diagnosis ? diagnosisJson(state.diagnosis) : null,
    versions: Object.fromEntries(
      Object.values(state.containers).flatMap((c) => (c.version ? [[serviceOf(c), c.version]] : [])),
    ),
    /** What decided the exit code: what fires, what is pending, which sources failed. */
    exitCode: verdict.exitCode,
    firing: verdict.firing,
    pending: verdict.pending,
    failedSources: verdict.failedSources,
  };
}

/**
 * Every service the environment names or its sources show (containers, workloads), with or without
 * data: a configured service whose files had no new line is listed as unknown, never left out.
 */
function everyService(state: ConsoleState, ingest: Ingest, configured: string[]): ServiceSignalsView[] {
  const names = new Set([
    ...Object.keys(state.signals),
    ...configured,
    ...Object.values(state.containers).map(serviceOf),
    ...Object.values(state.workloads).map((w) => w.name),
  ]);
  return [...names]
    .sort()
    .map((name) => state.signals[name] ?? ingest.signalsFor(name).view(state.now, SPARK_BUCKETS));
}

const isoOf = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

function diagnosisJson(d: Diagnosis) {
  return {
    summary: d.summary,
    errorsBeganAt: isoOf(d.errorsBeganAt),
    change: d.change ? { ...d.change, at: isoOf(d.change.at) } : null,
    patterns: d.patterns.map((p) => ({ ...p, firstSeen: isoOf(p.firstSeen) })),
    origin: d.origin ?? null,
  };
}

function statusText(state: ConsoleState, services: ServiceSignalsView[], verdict: StatusVerdict): string {
  const lines = [`environment ${state.environment} at ${new Date(state.now).toISOString()}`];
  for (const s of services) {
    const firing = s.rules.filter((r) => r.state === 'firing').map((r) => r.id);
    lines.push(
      `  ${s.service.padEnd(16)} 5xx 1m ${formatPercent(s.ratio1m).padStart(6)}  health ${s.health.up}/${s.health.total}` +
        `${s.unknownReason ? `  unknown: ${s.unknownReason}` : ''}${firing.length ? `  FIRING ${firing.join(',')}` : ''}`,
    );
  }
  for (const c of Object.values(state.containers))
    lines.push(
      `  ${c.host}/${c.name} ${c.state}${c.exitCode !== undefined && c.state !== 'running' ? ` (exit ${c.exitCode})` : ''} ${c.health}`,
    );
  if (state.diagnosis) lines.push(`diagnosis: ${state.diagnosis.summary}`);
  if (verdict.firing.length > 0) lines.push(`firing: ${verdict.firing.join('; ')}`);
  if (verdict.failedSources.length > 0) lines.push(`sources failed: ${verdict.failedSources.join('; ')}`);
  if (verdict.pending.length > 0) lines.push(`pending: ${verdict.pending.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Print one snapshot of containers, health and error rates, then exit.',
  usage:
    'opsconsole status [--json] [--env NAME] [--sample DURATION] [--docker SOCKET|ssh://USER@HOST] [--prometheus URL] [--context NAME] [--namespace NS]',
  details: [
    '  --json              machine-readable output',
    '  --env NAME          environment (default: defaultEnvironment, or the only one)',
    '  --sample DURATION   how long to watch before reporting, so rates have two readings (default 3s)',
    '',
    'Exit status: 0 nothing fires or is pending; 1 a source could not be read; 2 usage or configuration',
    'error; 3 something fires (a rule, a container exited non-zero, restarting or unhealthy, a stalled',
    'rollout); 4 a rule is pending. The first that applies of 3, 1, 4.',
  ],
  options: {
    json: { type: 'boolean' },
    sample: { type: 'string' },
    ...WATCH_OPTIONS,
  },
  allowPositionals: false,
  async run({ values }, globals) {
    const { loaded, name, env } = await watchedEnvironment(values, globals.config);
    const sampleMs = parseDuration(String(values.sample ?? '3s'));
    if (sampleMs === undefined)
      throw new UserError(`opsconsole: --sample: expected a duration such as 3s; got "${values.sample}"`);
    const store = createConsoleStore(name);
    const ingest = createIngest({ store, logs: new LogBuffer(100), thresholds: loaded.config.thresholds });
    // The rules advance on the ingest's clock while the sample runs: one flush at the end would see
    // every rule only begin (pending), however long the sample.
    ingest.start();
    const sources = startEnvironmentSources(env, ingest.sink);
    // The environment's alerts, read while the sample runs: unknown (with why), never "none".
    const alerts = env.alertmanager
      ? AlertmanagerClient.configured(env.alertmanager)
          .alerts()
          .then((list) => ({
            alerts: list
              .sort(alertOrder)
              .map((a) => ({ ...a, startsAt: new Date(a.startsAt).toISOString() })),
          }))
          .catch((err: Error) => ({ alerts: null, alertsUnknown: err.message }))
      : Promise.resolve({});
    await new Promise((r) => setTimeout(r, sampleMs));
    ingest.stop();
    // The snapshot is taken before the sources stop, so connections still read as they were.
    const state = store.getState();
    await sources.stop();
    const services = everyService(state, ingest, Object.keys(env.services));
    const verdict = statusVerdict(state, services);
    stdout.write(
      values.json
        ? `${inertJson({ ...statusSnapshot(state, services, verdict), ...(await alerts) }, 2)}\n`
        : statusText(state, services, verdict),
    );
    return verdict.exitCode;
  },
};
