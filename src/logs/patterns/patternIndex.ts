import type { Level } from '../logRecord';
import { firstLineOf } from '../multiline';
import { accessLogTokens } from './accessLogBody';
import { messageBody } from './messageBody';
import { type TemplateCluster, TemplateMiner, type TemplateMinerOptions } from './templateMiner';

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

/** The line a pattern is told about (a LogRecord is one). */
export interface PatternInput {
  source: string;
  message: string;
  /** The whole line; a plain line's sample. */
  text: string;
  /** A JSON or logfmt line: its message is the sample (as the log pane shows it). */
  structured?: boolean;
  time: number;
  level?: Level;
  requestId?: string;
  /** 1-based line number in its input, for --json. */
  line?: number;
  /** A multi-line record: `text` holds this many lines. */
  lines?: number;
}

/** The sample is one line: a stack trace's first (the view shows one row per template). */
const sampleOf = (input: PatternInput) =>
  input.structured ? input.message : input.lines ? firstLineOf(input.text) : input.text;

const MINUTES_KEPT = 60;
const TEXT_CACHE = 4096;
const minuteOf = (t: number) => Math.floor(t / 60_000);

/**
 * Templates per source (a service's lines are mined apart from another's), with counts over time,
 * first and last seen, a sample and the level mix. Bounded: each source's miner keeps at most
 * `maxPerSource` templates, forgetting the least recently seen.
 */
/** One source's miner, its patterns by cluster, and its recent message texts. */
interface SourceTemplates {
  miner: TemplateMiner;
  patterns: Map<number, LogPattern>;
  /**
   * The cluster of recently seen message texts: a message repeated word for word (common in
   * floods) skips the tokenizing and the tree. Cleared when full rather than kept in order.
   */
  byText: Map<string, TemplateCluster>;
  last?: { message: string; cluster: TemplateCluster; pattern: LogPattern };
}

export class PatternIndex {
  private readonly sources = new Map<string, SourceTemplates>();
  private readonly clusters = new Map<LogPattern, TemplateCluster>();

  constructor(
    private readonly options: {
      maxPerSource?: number;
      keepLines?: boolean;
      /** The miner's depth and similarity (chosen by cross-validation; see the patterns benchmark). */
      miner?: Pick<TemplateMinerOptions, 'depth' | 'similarity'>;
    } = {},
  ) {}

  private sourceOf(source: string): SourceTemplates {
    let s = this.sources.get(source);
    if (!s) {
      const patterns = new Map<number, LogPattern>();
      const miner = new TemplateMiner({
        ...this.options.miner,
        ...(this.options.maxPerSource && { maxClusters: this.options.maxPerSource }),
        onEvict: (c) => {
          const gone = patterns.get(c.id);
          patterns.delete(c.id);
          if (gone) this.clusters.delete(gone);
        },
      });
      s = { miner, patterns, byText: new Map() };
      this.sources.set(source, s);
    }
    return s;
  }

  /** The pattern of this line's message: the same one as the line before when the text repeats. */
  private patternOf(input: PatternInput): LogPattern {
    const s = this.sourceOf(input.source);
    const last = s.last;
    if (last && last.message === input.message && s.miner.repeat(last.cluster)) return last.pattern;
    const known = s.byText.get(input.message);
    let cluster: TemplateCluster;
    if (known && s.miner.repeat(known)) cluster = known;
    else {
      const access = accessLogTokens(input.message);
      cluster = access ? s.miner.addTokens(access) : s.miner.add(messageBody(input.message));
      if (s.byText.size >= TEXT_CACHE) s.byText.clear();
      s.byText.set(input.message, cluster);
    }
    let p = s.patterns.get(cluster.id);
    if (!p) {
      p = {
        key: `${input.source}#${cluster.id}`,
        source: input.source,
        template: '',
        count: 0,
        firstSeen: input.time,
        lastSeen: input.time,
        sample: sampleOf(input),
        levels: {},
        perMinute: new Map(),
        ...(this.options.keepLines && { lines: [] }),
      };
      s.patterns.set(cluster.id, p);
      this.clusters.set(p, cluster);
    }
    s.last = { message: input.message, cluster, pattern: p };
    return p;
  }

  add(input: PatternInput): LogPattern {
    const p = this.patternOf(input);
    p.count++;
    if (input.time < p.firstSeen) p.firstSeen = input.time;
    if (input.time >= p.lastSeen) {
      p.lastSeen = input.time;
      p.sample = sampleOf(input);
      if (input.requestId) p.sampleRequestId = input.requestId;
    }
    if (input.level) p.levels[input.level] = (p.levels[input.level] ?? 0) + 1;
    const m = minuteOf(input.time);
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
