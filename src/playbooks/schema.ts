import { z } from 'zod';
import { Duration } from '../config/schema';
import { DEPLOY_KINDS } from '../model/deployKind';

const NodeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a node id of lowercase letters, digits and "-"' });
const PlaybookId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a playbook id of lowercase letters, digits and "-"' });

const Window = z.enum(['1m', '5m', '10m']);

/**
 * One of the team's own alerts (Alertmanager's, or a Prometheus rule's): by name and labels, in a
 * state (firing unless said), for at least a duration.
 */
export interface AlertCondition {
  name?: string;
  labels?: Record<string, string>;
  state?: 'firing' | 'pending' | 'silenced' | 'inhibited' | 'any';
  /** Milliseconds (written as 5m, 90s in the playbook). */
  forAtLeast?: number;
}

/** A test on live data. Evaluates to yes, no or unknown (data missing), with the evidence. */
export type Condition =
  | { errorRatio: { service?: string; window: '1m' | '5m' | '10m'; above?: number; below?: number } }
  | { rule: { id: string; state: 'firing' | 'pending' | 'ok'; service?: string } }
  | { healthFailing: { above?: number; atLeast?: number } }
  | { p95: { service?: string; aboveSeconds: number } }
  | { restarts: { service?: string; above: number } }
  | { deployedWithin: { minutes: number; service?: string } }
  | { alert: AlertCondition }
  | { dependencyFailing: { service?: string } }
  | { incidentDeclared: { severitySet?: boolean } }
  | { saturation: { service?: string; cpuAbove: number } }
  | { trafficGrowth: { service?: string; factorAbove: number } }
  | { previousReleaseKnown: { service?: string } }
  | { rolloutComplete: { service?: string } }
  | { ruleCleared: { id: string; service?: string } }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union(
    [
      z.strictObject({
        errorRatio: z.strictObject({
          service: z.string().optional(),
          window: Window,
          above: z.number().min(0).max(1).optional(),
          below: z.number().min(0).max(1).optional(),
        }),
      }),
      z.strictObject({
        rule: z.strictObject({
          id: z.string(),
          state: z.enum(['firing', 'pending', 'ok']),
          service: z.string().optional(),
        }),
      }),
      z.strictObject({
        healthFailing: z.strictObject({
          above: z.number().min(0).max(1).optional(),
          atLeast: z.number().min(0).max(1).optional(),
        }),
      }),
      z.strictObject({
        p95: z.strictObject({ service: z.string().optional(), aboveSeconds: z.number().positive() }),
      }),
      z.strictObject({
        restarts: z.strictObject({ service: z.string().optional(), above: z.number().int().nonnegative() }),
      }),
      z.strictObject({
        deployedWithin: z.strictObject({ minutes: z.number().positive(), service: z.string().optional() }),
      }),
      z.strictObject({
        alert: z
          .strictObject({
            name: z.string().min(1).optional(),
            labels: z.record(z.string(), z.string()).optional(),
            state: z.enum(['firing', 'pending', 'silenced', 'inhibited', 'any']).optional(),
            forAtLeast: Duration.optional(),
          })
          .refine((a) => a.name !== undefined || a.labels !== undefined, {
            message: 'expected a name or labels to pick the alert by',
          }),
      }),
      z.strictObject({ dependencyFailing: z.strictObject({ service: z.string().optional() }) }),
      z.strictObject({ incidentDeclared: z.strictObject({ severitySet: z.boolean().optional() }) }),
      z.strictObject({
        saturation: z.strictObject({ service: z.string().optional(), cpuAbove: z.number().positive() }),
      }),
      z.strictObject({
        trafficGrowth: z.strictObject({ service: z.string().optional(), factorAbove: z.number().positive() }),
      }),
      z.strictObject({ previousReleaseKnown: z.strictObject({ service: z.string().optional() }) }),
      z.strictObject({ rolloutComplete: z.strictObject({ service: z.string().optional() }) }),
      z.strictObject({ ruleCleared: z.strictObject({ id: z.string(), service: z.string().optional() }) }),
      z.strictObject({ all: z.array(ConditionSchema).min(1) }),
      z.strictObject({ any: z.array(ConditionSchema).min(1) }),
      z.strictObject({ not: ConditionSchema }),
    ],
    {
      message:
        'expected a condition: errorRatio, rule, healthFailing, p95, restarts, deployedWithin, alert, dependencyFailing, incidentDeclared, previousReleaseKnown, rolloutComplete, ruleCleared, saturation, trafficGrowth, all, any or not',
    },
  ),
);

export const ParameterSchema = z.strictObject({
  type: z.enum(['service', 'version', 'host', 'text', 'integer']),
  description: z.string().optional(),
  default: z.union([z.string(), z.number()]).optional(),
  /** For text parameters: the pattern every value must match. */
  pattern: z.string().optional(),
  /** Fill from live data: the service whose rule fires, its previous version... */
  from: z.enum(['failing-service', 'previous-version', 'current-version']).optional(),
});

const Next = NodeId;

const QuestionNode = z.strictObject({
  question: z.string().min(1),
  help: z.string().optional(),
  condition: ConditionSchema.optional(),
  yes: Next.optional(),
  no: Next.optional(),
  choices: z
    .array(
      z.strictObject({
        label: z.string().min(1),
        next: Next,
        /**
         * The deploy kind this choice stands for: a run that knows the service's kind (from the
         * config or its source) takes it without asking; an answer sets the kind for the steps after.
         */
        variant: z.enum(DEPLOY_KINDS).optional(),
      }),
    )
    .min(2)
    .optional(),
});

/** A checklist item: its words, or its words and a condition that ticks it when the data says yes. */
const ChecklistItem = z.union([
  z.string().min(1),
  z.strictObject({ item: z.string().min(1), check: ConditionSchema }),
]);

const ChecklistNode = z
  .strictObject({
    title: z.string().min(1),
    checklist: z.array(ChecklistItem).min(1),
    next: Next.optional(),
  })
  .transform(({ checklist, ...rest }) => ({
    ...rest,
    checklist: checklist.map((c) => (typeof c === 'string' ? c : c.item)),
    /** Per item, the condition that ticks it from the data, if any. */
    checks: checklist.map((c) => (typeof c === 'string' ? undefined : c.check)),
  }));

const variantField = {
  /** Only shown when the service's configured deploy kind is this one. */
  variant: z.enum(DEPLOY_KINDS).optional(),
};

const CommandNode = z.strictObject({
  title: z.string().min(1),
  run: z.strictObject({
    argv: z.array(z.string().min(1)).min(1, { message: 'expected a command as a list: [program, arg, ...]' }),
    host: z.string().optional(),
    timeout: Duration.default(60_000),
    destructive: z.boolean().default(false),
    /**
     * Arguments that make the command a dry run of itself (`--dry-run=server`): with them a dry run
     * runs it for real and records what the system said; without them a dry run executes nothing.
     */
    dryRun: z.array(z.string().min(1)).optional(),
  }),
  /** Imported from a Markdown runbook and not yet read by a person: never runs. */
  reviewed: z.boolean().default(true),
  next: Next.optional(),
  ...variantField,
});

const ShellNode = z.strictObject({
  title: z.string().min(1),
  /** A shell script kept word for word from an imported runbook; runs with bash -c once reviewed. */
  shell: z.string().min(1),
  host: z.string().optional(),
  reviewed: z.boolean().default(false),
  destructive: z.boolean().default(true),
  timeout: Duration.default(60_000),
  next: Next.optional(),
  ...variantField,
});

const VerifyNode = z.strictObject({
  title: z.string().min(1),
  verify: ConditionSchema,
  /** How long to wait for the condition to hold before calling it failed. */
  within: Duration.default(300_000),
  next: Next.optional(),
  /** Where the run goes when the verification fails or is skipped (never to the success outcome). */
  otherwise: Next.optional(),
  ...variantField,
});

const OutcomeNode = z.strictObject({
  outcome: z.string().min(1),
  summary: z.string().optional(),
  /** The playbook to continue with. */
  playbook: PlaybookId.optional(),
  /**
   * Keeps watching while shown: checked every second, and when it holds the console proposes the
   * playbook (journaled). Enter continues with the playbook at any time.
   */
  watch: ConditionSchema.optional(),
});

export const PlaybookNodeSchema = z.union(
  [QuestionNode, ChecklistNode, CommandNode, ShellNode, VerifyNode, OutcomeNode],
  {
    message:
      'expected a node: {question}, {title, checklist}, {title, run}, {title, shell}, {title, verify} or {outcome}',
  },
);

export const PlaybookSchema = z.strictObject({
  id: PlaybookId,
  title: z.string().min(1),
  description: z.string().optional(),
  /** Source runbook, for imported playbooks. */
  source: z.string().optional(),
  parameters: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/), ParameterSchema).default({}),
  start: NodeId,
  nodes: z.record(NodeId, PlaybookNodeSchema),
});

/** A playbook as written: what the schema validates and the JSON Schema describes. */
export type PlaybookFile = z.infer<typeof PlaybookSchema>;
export type ParameterSpec = z.infer<typeof ParameterSchema>;

/** A node, tagged with its kind once when the playbook is loaded; code switches on `kind`. */
export type PlaybookNode =
  | ({ kind: 'question' } & z.infer<typeof QuestionNode>)
  | ({ kind: 'checklist' } & z.infer<typeof ChecklistNode>)
  | ({ kind: 'command' } & z.infer<typeof CommandNode>)
  | ({ kind: 'shell' } & z.infer<typeof ShellNode>)
  | ({ kind: 'verify' } & z.infer<typeof VerifyNode>)
  | ({ kind: 'outcome' } & z.infer<typeof OutcomeNode>);

/** A loaded playbook: its nodes parsed into the tagged union. */
export type Playbook = Omit<PlaybookFile, 'nodes'> & { nodes: Record<string, PlaybookNode> };

type FileNode = PlaybookFile['nodes'][string];

/** The one place a node's kind is read from its shape: each node has exactly one defining field. */
function tagNode(node: FileNode): PlaybookNode {
  if ('question' in node) return { kind: 'question', ...node };
  if ('checklist' in node) return { kind: 'checklist', ...node };
  if ('run' in node) return { kind: 'command', ...node };
  if ('shell' in node) return { kind: 'shell', ...node };
  if ('verify' in node) return { kind: 'verify', ...node };
  return { kind: 'outcome', ...node };
}

export function tagPlaybook(file: PlaybookFile): Playbook {
  return {
    ...file,
    nodes: Object.fromEntries(Object.entries(file.nodes).map(([id, n]) => [id, tagNode(n)])),
  };
}

/** Where a node can go next. */
export function successors(node: PlaybookNode): string[] {
  switch (node.kind) {
    case 'question':
      return [node.yes, node.no, ...(node.choices ?? []).map((c) => c.next)].filter((x): x is string => !!x);
    case 'outcome':
      return [];
    case 'verify':
      return [node.next, node.otherwise].filter((x): x is string => !!x);
    default:
      return node.next ? [node.next] : [];
  }
}

/** The argv and host templates of a command or shell step. */
export function stepTemplate(node: PlaybookNode): { argv: string[]; host: string } | undefined {
  if (node.kind === 'command') return { argv: node.run.argv, host: node.run.host ?? 'local' };
  if (node.kind === 'shell') return { argv: ['bash', '-c', node.shell], host: node.host ?? 'local' };
  return undefined;
}
