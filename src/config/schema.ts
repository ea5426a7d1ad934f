import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../text/duration';
import { NotifyChannelSchema } from './notifySchema';

/** As stern's `--max-log-requests`: a cluster of thousands of pods must not open thousands of log streams. */
export const DEFAULT_MAX_LOG_STREAMS = 50;

/** A duration as text ("90s", "5m", "1h") or a number of milliseconds; parsed to milliseconds. */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_PATTERN, { message: 'expected a duration such as 90s, 5m or 1h' }),
  ])
  .transform((v) => (typeof v === 'number' ? v : (parseDuration(v) as number)));

/** A size as text ("2GiB", "500MB", "64KiB") or a number of bytes; parsed to bytes. */
export const ByteSize = z
  .union([
    z
      .number()
      .int()
      .positive({ message: 'expected a size such as 500MiB or 2GiB (or a number of bytes above 0)' }),
    z
      .string()
      .regex(/^\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)$/i, { message: 'expected a size such as 500MiB or 2GiB' }),
  ])
  .transform((v) => (typeof v === 'number' ? v : parseByteSize(v)));

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

export function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?)?B$/i.exec(text.trim());
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? Number.NaN));
}

/** The log store's budget when neither the config nor a flag says. */
export const DEFAULT_LOG_STORE_BUDGET = 2 * 1024 ** 3;

const Ratio = z
  .number({ message: 'expected a ratio between 0 and 1, e.g. 0.05 for 5%' })
  .min(0, { message: 'expected a ratio between 0 and 1, e.g. 0.05 for 5%' })
  .max(1, { message: 'expected a ratio between 0 and 1, e.g. 0.05 for 5%' });

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'expected a name of letters, digits, ".", "_" or "-"' });

const SSH_TARGET = /^[A-Za-z0-9._-]+@(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const HostSchema = z.strictObject({
  /** `user@host[:port]`; absent means this machine. */
  ssh: z.string().regex(SSH_TARGET, { message: 'expected user@host or user@host:port' }).optional(),
  identityFile: z.string().min(1).optional(),
  /** Use the ssh-agent at SSH_AUTH_SOCK for authentication (never forwarded). */
  agent: z.boolean().default(true),
  /** Name of another host in the same environment to jump through. */
  jump: Name.optional(),
  dockerSocket: z.string().default('/var/run/docker.sock'),
  /** Watch this host's containers through its Docker Engine. */
  docker: z.boolean().default(false),
  /**
   * Follow the logs of every container on this host (each under its compose service, else its
   * name), including containers started later: what opsconsole does with no configuration.
   */
  followContainerLogs: z.boolean().default(false),
  /** Commands whose JSON output lists what runs here, for hosts without Docker. */
  statusCommands: z
    .array(
      z.strictObject({
        command: z
          .array(z.string().min(1))
          .min(1, { message: 'expected a command as a list: [program, arg, ...]' }),
        mapping: z.enum(['kubectl-pods', 'pm2', 'systemd-units']),
        interval: Duration.default(5000),
      }),
    )
    .default([]),
  /** known_hosts to verify the host key against (default ~/.ssh/known_hosts). */
  knownHostsFile: z.string().min(1).optional(),
  /** SSH keepalive interval: a link silent for three in a row is declared dead and reconnected. */
  keepalive: Duration.default(10_000),
});

const Argv = z
  .array(z.string().min(1))
  .min(1, { message: 'expected a command as a list: [program, arg, ...]' });

const FieldNamesSchema = z
  .strictObject({
    level: z.array(z.string()).optional(),
    message: z.array(z.string()).optional(),
    time: z.array(z.string()).optional(),
    requestId: z.array(z.string()).optional(),
    status: z.array(z.string()).optional(),
  })
  .optional();

const logSourceCommon = { host: Name.optional(), fields: FieldNamesSchema };

export const LogSourceSchema = z.union(
  [
    z.strictObject({ file: z.string().min(1), ...logSourceCommon }),
    z.strictObject({ docker: z.string().min(1), ...logSourceCommon }),
    z.strictObject({ journald: z.string().min(1), ...logSourceCommon }),
    z.strictObject({ command: Argv, ...logSourceCommon }),
  ],
  { message: 'expected one of {file: PATH}, {docker: CONTAINER}, {journald: UNIT} or {command: [ARGV]}' },
);

const HttpUrl = z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' });

const Auth = z
  .union([
    z.strictObject({ bearerTokenEnv: z.string().min(1) }),
    z.strictObject({ username: z.string(), passwordEnv: z.string().min(1) }),
  ])
  .optional();

export const MetricsSchema = z.union(
  [
    z.strictObject({ scrape: HttpUrl, metric: z.string().default('http_requests_total') }),
    z.strictObject({
      prometheus: HttpUrl,
      /** Label selector of the service's series, e.g. {service="api"}. */
      selector: z
        .string()
        .regex(/^\{.*\}$/, { message: 'expected a label selector such as {service="api"}' })
        .optional(),
      metric: z.string().default('http_requests_total'),
      /** PromQL for the 5xx ratio; replaces the one built from `metric` and `selector`. */
      errorRatioQuery: z.string().optional(),
      p95Query: z.string().optional(),
      auth: Auth,
      interval: Duration.default(5000),
    }),
  ],
  { message: 'expected {scrape: URL} or {prometheus: URL, ...}' },
);

/** How the service is deployed: chooses the emergency-rollback variant and fills its parameters. */
export const DeploySchema = z.strictObject({
  kind: z.enum(['compose', 'retag', 'kubectl', 'kubernetes', 'dokku', 'pm2']),
  params: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/), z.string()).default({}),
});

/** A health endpoint: a URL, or a URL with the JSON body fields to read. */
export const HealthTargetSchema = z.union(
  [
    HttpUrl,
    z.strictObject({
      url: HttpUrl,
      /** Dotted paths into the JSON body. */
      fields: z
        .strictObject({
          status: z.string().optional(),
          errorRate: z.string().optional(),
          version: z.string().optional(),
        })
        .default({}),
      /** Values of the status field that mean healthy. */
      healthyValues: z.array(z.string()).default(['ok', 'healthy', 'up', 'pass', 'green']),
      timeout: Duration.default(1500),
    }),
  ],
  { message: 'expected a health URL, or {url, fields: {status, errorRate, version}}' },
);

export const ServiceSchema = z.strictObject({
  host: Name.default('local'),
  deploy: DeploySchema.optional(),
  container: z.string().min(1).optional(),
  logs: z.array(LogSourceSchema).default([]),
  metrics: MetricsSchema.optional(),
  health: z.array(HealthTargetSchema).default([]),
});

/** A libpq connection URL; read whole (hosts, TLS, credentials) when the store is opened. */
const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S*$/, {
  message: 'expected a postgres:// URL, such as postgres://ops@db.example:5432/opsconsole',
});

export const EnvironmentSchema = z.strictObject({
  /** Where incidents are kept: the JSONL journals in the state directory (absent), or PostgreSQL. */
  store: PostgresUrl.optional(),
  hosts: z.record(Name, HostSchema).default(() => ({ local: HostSchema.parse({}) })),
  services: z.record(Name, ServiceSchema),
  /** Where this environment's alerts are (Alertmanager's API v2). */
  alertmanager: z
    .strictObject({
      url: HttpUrl,
      auth: Auth,
      /** Alert `severity` label → the incident severity proposed when declaring from it. */
      severities: z
        .record(z.string().min(1), z.enum(['P0', 'P1', 'P2', 'P3'], { message: 'expected P0, P1, P2 or P3' }))
        .optional(),
    })
    .optional(),
  /** A Kubernetes cluster to watch: its pods, by namespace and workload (kubeconfig as kubectl reads it). */
  kubernetes: z
    .strictObject({
      kubeconfig: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      namespaces: z.array(z.string().min(1)).optional(),
      /** Follow every running pod's containers' logs, each under its workload's name. */
      logs: z.boolean().default(true),
      /** At most this many log streams at once (stern's --max-log-requests); the rest wait, visibly. */
      maxLogStreams: z.number().int().min(1).max(1000).default(DEFAULT_MAX_LOG_STREAMS),
    })
    .optional(),
  /** Chat channels the incident's course is told to (Slack, Mattermost, Teams, Discord, a webhook). */
  notify: z.record(Name, NotifyChannelSchema).default({}),
  /** How often stakeholders hear, by severity: a duration, or `status` for at status changes only. */
  updateEvery: z
    .partialRecord(
      z.enum(['P0', 'P1', 'P2', 'P3'], { message: 'expected P0, P1, P2 or P3' }),
      z.union([z.literal('status'), Duration], { message: 'expected a duration such as 15m, or status' }),
    )
    .default({}),
  /** A Prometheus whose alerting rules (and their pending alerts) the alerts view shows. */
  prometheus: z.strictObject({ url: HttpUrl, rules: z.boolean().default(true), auth: Auth }).optional(),
  /**
   * What the sources read back at start, from before the console opened: logs no older than
   * `window` (0: none), at most `maxLines` per log, and Prometheus's range over the same window.
   */
  history: z
    .strictObject({
      window: Duration.refine((ms) => ms <= 24 * 3_600_000, {
        message:
          'expected at most 24h: the rules look back 30 minutes, the store keeps what the console sees',
      }).default(30 * 60_000),
      // A first connection's lines are one batch to the store, which holds 200,000 on their way.
      maxLines: z
        .number({ message: 'expected a whole number of lines, such as 20000' })
        .int({ message: 'expected a whole number of lines, such as 20000' })
        .min(0, { message: 'expected 0 (read nothing back) or more lines' })
        .max(100_000, { message: 'expected at most 100000 lines per log' })
        .default(20_000),
    })
    .default({ window: 30 * 60_000, maxLines: 20_000 }),
  /** Every log line the console sees, kept on disk in the state directory within a budget. */
  logStore: z
    .strictObject({
      enabled: z.boolean().default(true),
      // As --store-budget: less than a block's worth would set aside every block as it is written.
      budget: ByteSize.refine((bytes) => bytes >= 1024 ** 2, {
        message: 'expected at least 1MiB, such as 500MiB or 2GiB (enabled: false keeps no store)',
      }).default(DEFAULT_LOG_STORE_BUDGET),
    })
    .default({ enabled: true, budget: DEFAULT_LOG_STORE_BUDGET }),
});

const RuleThreshold = z.strictObject({ above: Ratio, for: Duration });

const LatencyThreshold = z.strictObject({
  /** Fires above this many times the service's own p95 baseline... */
  baselineFactor: z.number().min(1).default(2),
  /** ...or above this absolute p95, whichever is lower. */
  above: Duration.default(3000),
  for: Duration.default(10 * 60_000),
});

const HealthThreshold = z.strictObject({
  /** Share of a service's health checks failing above which the "degraded" rule fires. */
  failingShare: Ratio.default(0.5),
  for: Duration.default(60_000),
  /** How long every check must fail before "complete outage" fires. */
  outageFor: Duration.default(30_000),
});

export const ThresholdsSchema = z.strictObject({
  warning: RuleThreshold.default({ above: 0.01, for: 5 * 60_000 }),
  critical: RuleThreshold.default({ above: 0.05, for: 2 * 60_000 }),
  sustained: RuleThreshold.default({ above: 0.05, for: 10 * 60_000 }),
  latency: LatencyThreshold.default({ baselineFactor: 2, above: 3000, for: 10 * 60_000 }),
  health: HealthThreshold.default({ failingShare: 0.5, for: 60_000, outageFor: 30_000 }),
});

export const ConfigSchema = z
  .strictObject({
    defaultEnvironment: Name.optional(),
    environments: z.record(Name, EnvironmentSchema),
    thresholds: ThresholdsSchema.default(() => ThresholdsSchema.parse({})),
    playbookDirs: z.array(z.string().min(1)).default([]),
    stateDir: z.string().min(1).optional(),
  })
  .superRefine((config, ctx) => {
    const envNames = Object.keys(config.environments);
    if (envNames.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['environments'], message: 'expected at least one environment' });
    }
    if (config.defaultEnvironment && !envNames.includes(config.defaultEnvironment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultEnvironment'],
        message: `no environment named "${config.defaultEnvironment}"; defined: ${envNames.join(', ') || 'none'}`,
      });
    }
    for (const [envName, env] of Object.entries(config.environments)) {
      const hostNames = Object.keys(env.hosts);
      const knownHost = (name: string) => name === 'local' || hostNames.includes(name);
      for (const [hostName, host] of Object.entries(env.hosts)) {
        if (host.jump !== undefined && (!hostNames.includes(host.jump) || host.jump === hostName)) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', envName, 'hosts', hostName, 'jump'],
            message: `jump host "${host.jump}" is not another host of environment "${envName}"; hosts: ${hostNames.join(', ')}`,
          });
        }
      }
      for (const [serviceName, service] of Object.entries(env.services)) {
        if (!knownHost(service.host)) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', envName, 'services', serviceName, 'host'],
            message: `no host named "${service.host}" in environment "${envName}"; hosts: ${hostNames.join(', ')}`,
          });
        }
        service.logs.forEach((log, i) => {
          if (log.host !== undefined && !knownHost(log.host)) {
            ctx.addIssue({
              code: 'custom',
              path: ['environments', envName, 'services', serviceName, 'logs', i, 'host'],
              message: `no host named "${log.host}" in environment "${envName}"; hosts: ${hostNames.join(', ')}`,
            });
          }
        });
      }
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
export type Environment = z.infer<typeof EnvironmentSchema>;
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const DEFAULT_THRESHOLDS: Thresholds = ThresholdsSchema.parse({});
