/**
 * What one JSON answer may hold before it is parsed. A byte cap alone is not enough: 24 MB of one
 * object with 1.5 M members costs hundreds of MB once parsed, and a deep nesting exhausts the stack
 * of whatever walks it. The check reads the bytes once, as they arrive, and allocates nothing per byte.
 */
export interface JsonShapeLimits {
  /** Members of any one object (an alert's labels, an object's annotations). */
  maxMembers: number;
  /** Items of any one array (the alerts of an answer, the items of a list). */
  maxItems: number;
  /** Objects and arrays nested in one another. */
  maxDepth: number;
}

/** An answer over one of the limits: which one, and how deep (0 is the answer itself). */
export class JsonShapeError extends Error {
  constructor(
    readonly limit: 'members' | 'items' | 'depth',
    readonly depth: number,
    readonly max: number,
  ) {
    super(
      limit === 'depth'
        ? `nested more than ${max} levels deep`
        : limit === 'members'
          ? `an object of more than ${max} members (at depth ${depth})`
          : `a list of more than ${max} items (at depth ${depth})`,
    );
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Throws `JsonShapeError` when the text, read as JSON, holds an object, array or nesting over the
 * limits. Text that is not JSON passes here and fails in `JSON.parse`, which says so.
 */
export function checkJsonShape(text: string, limits: JsonShapeLimits): void {
  new JsonShapeCheck(limits).push(text);
}

/**
 * The same check fed as the bytes arrive, so an answer over a limit is refused at the byte that
 * crosses it rather than after all of it has been downloaded (24 MB of labels took longer than a
 * poll's deadline to arrive on a loaded machine). Bytes, not text: every byte the check looks at is
 * ASCII, and no byte of a multi-byte UTF-8 character is, so a chunk may end anywhere.
 */
export class JsonShapeCheck {
  /** Per open container: the commas seen so far (its size minus one) and whether it is an object. */
  private readonly commas: number[] = [];
  private readonly objects: boolean[] = [];
  private inString = false;
  private escaped = false;

  constructor(private readonly limits: JsonShapeLimits) {}

  /** Bytes as they arrive, or a whole text (a character above ASCII is never a delimiter either). */
  push(chunk: Uint8Array | string): void {
    const { commas, objects, limits } = this;
    const text = typeof chunk === 'string' ? chunk : undefined;
    for (let i = 0; i < chunk.length; i++) {
      const c = text === undefined ? ((chunk as Uint8Array)[i] as number) : text.charCodeAt(i);
      if (this.inString) {
        // To the next quote not escaped.
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (commas.length >= limits.maxDepth)
          throw new JsonShapeError('depth', commas.length, limits.maxDepth);
        commas.push(0);
        objects.push(c === OPEN_OBJECT);
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        commas.pop();
        objects.pop();
      } else if (c === COMMA && commas.length > 0) {
        const depth = commas.length - 1;
        const n = (commas[depth] as number) + 1;
        commas[depth] = n;
        const object = objects[depth] as boolean;
        const max = object ? limits.maxMembers : limits.maxItems;
        // n commas separate n + 1 members or items.
        if (n >= max) throw new JsonShapeError(object ? 'members' : 'items', depth, max);
      }
    }
  }
}
