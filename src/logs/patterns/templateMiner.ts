/**
 * Log templates mined as lines arrive, after Drain (He et al., ICWS 2017): a fixed-depth tree routes
 * a message by its token count and first tokens to a few candidate clusters, and the message joins the
 * most similar one (positions that differ become `<*>`) or starts its own. Our own code, with three
 * changes that matter on real logs without per-source configuration:
 *
 * - tokens that are plainly values (numbers, hex, IPs, host:port, paths with digits) are masked before
 *   anything else, so they neither steer the tree nor count against similarity;
 * - a `key=value` token keeps its key and masks its value;
 * - the tree is walked by the first tokens that are not values, so a leading number cannot scatter one
 *   template over many branches.
 *
 * Memory is bounded: past `maxClusters`, the least recently seen cluster is forgotten.
 */

export const WILDCARD = '<*>';

export interface TemplateCluster {
  id: number;
  tokens: string[];
  size: number;
}

export interface TemplateMinerOptions {
  /** The tree's depth: the length, then `depth - 1` worded tokens route a message. */
  depth?: number;
  /** Share of a cluster's constant positions a message must match to join it. */
  similarity?: number;
  /** Children per tree node before new tokens share the wildcard branch. */
  maxChildren?: number;
  maxClusters?: number;
  /** Told of each cluster forgotten to stay within `maxClusters`. */
  onEvict?: (cluster: TemplateCluster) => void;
}

const HEX = /^(?:0x)?[0-9a-f]{6,}$/i;
const HAS_DIGIT = /\d/;
/** An address (`alice@example.com`): a value, whoever it names. */
const EMAIL = /^[<(]?[\w.+-]+@[\w-]+(?:\.[\w-]+)+[>),;.]?$/;
const HAS_LETTER = /[A-Za-z]/;
const KEY_VALUE = /^([A-Za-z_][\w.-]*)([=:])(.+)$/;
/** A whole token that is a value: numbers, hex, IPs, host:port, times, dates, sizes, ids with digits. */
const WHOLE_VALUE = /^[[(<{'"/]*(?:[\d.:,/+-]+|0x[0-9a-f]+|[0-9a-f]{6,}|[\w.-]*\d[\w.:@/-]*)[\])>}'",;.]*$/i;
/**
 * A number inside a token that is otherwise words: `LOGIN(uid=0)` → `LOGIN(uid=<*>)`. Digits that
 * touch letters are part of a name (`jk2_init()`, `ipv6`) and stay.
 */
const DIGIT_RUN = /(?<![A-Za-z\d])\d[\d.:,-]*(?![A-Za-z\d])/g;

/**
 * Day and month names are parts of dates in a message, values like the numbers around them ("may"
 * is left out: it is mostly the verb).
 */
const DATE_WORDS = new Set([
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  ...['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september'],
  ...['october', 'november', 'december', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  ...['jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'],
]);

/**
 * The token as the template sees it: a value becomes `<*>`; one that mixes words and values keeps
 * its words (`LOGIN(uid=<*>)`); a path or URL is a value.
 */
function maskToken(t: string): string {
  const kv = KEY_VALUE.exec(t);
  if (kv) {
    const value = kv[3] as string;
    if (HAS_DIGIT.test(value) || value.includes('/')) return `${kv[1]}${kv[2]}${WILDCARD}`;
    return t;
  }
  if (t.length > 1 && t.includes('/') && !t.startsWith('(')) return WILDCARD;
  if (EMAIL.test(t)) return WILDCARD;
  if (t.length <= 10 && DATE_WORDS.has(t.replace(/,$/, '').toLowerCase())) return WILDCARD;
  if (!HAS_DIGIT.test(t) && !HEX.test(t)) return t;
  if (WHOLE_VALUE.test(t)) return WILDCARD;
  return t.replace(DIGIT_RUN, WILDCARD);
}

/** The message's tokens with values masked; `key=value` keeps its key. */
export function tokenize(message: string): string[] {
  const raw = message.split(/\s+/).filter((t) => t !== '');
  const out: string[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = maskToken(raw[i] as string);
  return out;
}

/** `key=word` names a case (user=root, state=LEADING): two of them that differ never merge. */
const isEnumerated = (t: string) => KEY_VALUE.test(t) && !t.includes(WILDCARD);

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: TemplateCluster[];
}

const node = (): TreeNode => ({ children: new Map(), clusters: [] });

export class TemplateMiner {
  private readonly root = node();
  private readonly depth: number;
  private readonly similarity: number;
  private readonly maxChildren: number;
  private readonly maxClusters: number;
  private readonly onEvict: ((cluster: TemplateCluster) => void) | undefined;
  /** Every live cluster, least recently seen first (a Map keeps insertion order). */
  private readonly recent = new Map<number, { cluster: TemplateCluster; leaf: TreeNode }>();
  private nextId = 1;
  private newest = 0;

  constructor(options: TemplateMinerOptions = {}) {
    this.depth = options.depth ?? 5;
    this.similarity = options.similarity ?? 0.5;
    this.maxChildren = options.maxChildren ?? 100;
    this.maxClusters = options.maxClusters ?? 5000;
    this.onEvict = options.onEvict;
  }

  get size(): number {
    return this.recent.size;
  }

  /** Files the message under a cluster (an existing one, widened if need be, or a new one). */
  add(message: string): TemplateCluster {
    return this.addTokens(tokenize(message));
  }

  /** Files tokens already masked (a shape the caller knows, as an access line's route). */
  addTokens(tokens: string[]): TemplateCluster {
    const leaf = this.leafFor(tokens);
    let best: TemplateCluster | undefined;
    let bestScore = -1;
    for (const c of leaf.clusters) {
      if (c.tokens.some((t, i) => t !== tokens[i] && isEnumerated(t))) continue;
      const score = similarityOf(c.tokens, tokens);
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (best && bestScore >= this.similarity) {
      for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
      best.size++;
      this.touch(best, leaf);
      return best;
    }
    const cluster: TemplateCluster = { id: this.nextId++, tokens, size: 1 };
    leaf.clusters.push(cluster);
    this.touch(cluster, leaf);
    this.evict();
    return cluster;
  }

  /**
   * Counts one more message for a cluster already found for the very same text (the caller's cache);
   * false when the cluster has been forgotten since.
   */
  repeat(cluster: TemplateCluster): boolean {
    const live = this.recent.get(cluster.id);
    if (!live) return false;
    cluster.size++;
    this.touch(cluster, live.leaf);
    return true;
  }

  private touch(cluster: TemplateCluster, leaf: TreeNode): void {
    // Already the most recent (a run of one template, as in a flood): nothing to reorder.
    if (this.newest === cluster.id) return;
    this.newest = cluster.id;
    this.recent.delete(cluster.id);
    this.recent.set(cluster.id, { cluster, leaf });
  }

  private evict(): void {
    while (this.recent.size > this.maxClusters) {
      const [id, oldest] = this.recent.entries().next().value as [
        number,
        { cluster: TemplateCluster; leaf: TreeNode },
      ];
      this.recent.delete(id);
      oldest.leaf.clusters = oldest.leaf.clusters.filter((c) => c !== oldest.cluster);
      this.onEvict?.(oldest.cluster);
    }
  }

  /** The tree's leaf for this message: by token count, then its first worded tokens. */
  private leafFor(tokens: string[]): TreeNode {
    let at = child(this.root, String(tokens.length), Number.POSITIVE_INFINITY);
    let used = 0;
    for (const t of tokens) {
      if (used >= this.depth - 1) break;
      // Only worded tokens route: a value or bare punctuation (`()`, `-`) may vary in one template.
      if (t === WILDCARD || !HAS_LETTER.test(t)) continue;
      at = child(at, t, this.maxChildren);
      used++;
    }
    return at;
  }
}

/** The child for `key`, or the shared wildcard child once the node is full. */
function child(parent: TreeNode, key: string, max: number): TreeNode {
  let next = parent.children.get(key);
  if (next) return next;
  const k = parent.children.size >= max ? WILDCARD : key;
  next = parent.children.get(k);
  if (!next) {
    next = node();
    parent.children.set(k, next);
  }
  return next;
}

/** Drain's similarity: the share of positions where the template's token equals the message's. */
function similarityOf(template: readonly string[], tokens: readonly string[]): number {
  let same = 0;
  let constant = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i];
    if (t === WILDCARD) continue;
    constant++;
    if (t === tokens[i]) same++;
  }
  // A wildcard position takes any value, so it counts as matching (as in Drain3): a template whose
  // values were already found is not pushed away by them.
  return (same + tokens.length - constant) / tokens.length;
}
