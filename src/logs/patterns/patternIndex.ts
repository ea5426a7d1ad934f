import type { Level } from '../logRecord';
import { messageBody } from './messageBody';
import { type TemplateCluster, TemplateMiner } from './templateMiner';

/** One log template of one source and what was seen of it. */
export interface LogPattern {
  /** `source#id`: stable while the template lives. */
  key: string;
  source: string;
  template: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The most recent line of it, as the console shows lines (sanitized upstream). */
  sample: string;
  sampleRequestId?: string;
  levels: Partial<Record<Level, number>>;
  /** Lines per minute (epoch minute → count), the last `MINUTES_KEPT` minutes. */
  perMinute: Map<number, number>;
  /** 1-based input line numbers it grouped, when the index keeps them (the CLI's --json). */
  lines?: number[];
}

/** The line a pattern is told about. */
export interface PatternInput {
  source: string;
  message: string;
  /** The line as shown (its sample). */
  text: string;
  at: number;
  level?: Level;
  requestId?: string;
  /** 1-based line number in its input, for --json. */
  line?: number;
}

const MINUTES_KEPT = 60;
const minuteOf = (t: number) => Math.floor(t / 60_000);

/**
 * Templates per source (a service's lines are mined apart from another's), with counts over time,
 * first and last seen, a sample and the level mix. Bounded: each source's miner keeps at most
 * `maxPerSource` templates, forgetting the least recently seen.
 */
export class PatternIndex {
  private readonly miners = new Map<string, TemplateMiner>();
  private readonly byCluster = new Map<string, Map<number, LogPattern>>();
  private readonly clusters = new Map<LogPattern, TemplateCluster>();

  constructor(private readonly options: { maxPerSource?: number; keepLines?: boolean } = {}) {}

  add(input: PatternInput): LogPattern {
    let miner = this.miners.get(input.source);
    let patterns = this.byCluster.get(input.source);
    if (!miner || !patterns) {
      const created = new Map<number, LogPattern>();
      patterns = created;
      miner = new TemplateMiner({
        ...(this.options.maxPerSource && { maxClusters: this.options.maxPerSource }),
        onEvict: (c) => {
          const gone = created.get(c.id);
          created.delete(c.id);
          if (gone) this.clusters.delete(gone);
        },
      });
      this.miners.set(input.source, miner);
      this.byCluster.set(input.source, patterns);
    }
    const cluster = miner.add(messageBody(input.message));
    let p = patterns.get(cluster.id);
    if (!p) {
      p = {
        key: `${input.source}#${cluster.id}`,
        source: input.source,
        template: '',
        count: 0,
        firstSeen: input.at,
        lastSeen: input.at,
        sample: input.text,
        levels: {},
        perMinute: new Map(),
        ...(this.options.keepLines && { lines: [] }),
      };
      patterns.set(cluster.id, p);
      this.clusters.set(p, cluster);
    }
    p.count++;
    if (input.at < p.firstSeen) p.firstSeen = input.at;
    if (input.at >= p.lastSeen) {
      p.lastSeen = input.at;
      p.sample = input.text;
      if (input.requestId) p.sampleRequestId = input.requestId;
    }
    if (input.level) p.levels[input.level] = (p.levels[input.level] ?? 0) + 1;
    const m = minuteOf(input.at);
    p.perMinute.set(m, (p.perMinute.get(m) ?? 0) + 1);
    if (p.perMinute.size > MINUTES_KEPT) {
      const oldest = Math.min(...p.perMinute.keys());
      p.perMinute.delete(oldest);
    }
    if (p.lines && input.line !== undefined) p.lines.push(input.line);
    return p;
  }

  /** Every live pattern, its template as it stands now (templates widen as lines arrive). */
  all(): LogPattern[] {
    const out: LogPattern[] = [];
    for (const [p, c] of this.clusters) {
      p.template = c.tokens.join(' ');
      out.push(p);
    }
    return out;
  }
}
