import { isMap, Lexer, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest } from '../text/closest';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { readUserFile } from './userFile';

type Path = readonly PropertyKey[];

export interface Location {
  line: number;
  column: number;
}

/** A validation problem with where it is and what was expected. */
export interface FileProblem {
  file: string;
  location?: Location;
  field: string;
  message: string;
  hint?: string;
}

/** How many of a file's other problems are named under the first. */
const OTHERS_SHOWN = 5;

/** The first problem in full; the others (the first few, by line and field) under it. */
export function formatProblem(kind: string, p: FileProblem, others: readonly FileProblem[] = []): string {
  const where = (q: FileProblem) =>
    q.location ? `${q.file}:${q.location.line}:${q.location.column}` : q.file;
  const lines = [
    `opsconsole: invalid ${kind}: ${where(p)}`,
    `  field:    ${p.field || '(top level)'}`,
    `  problem:  ${p.message}`,
  ];
  if (p.hint) lines.push(`  fix:      ${p.hint}`);
  if (others.length > 0) {
    lines.push(`  and ${others.length} more in this file:`);
    const byLine = [...others].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
    for (const q of byLine.slice(0, OTHERS_SHOWN))
      lines.push(
        `    ${q.location ? `line ${q.location.line}` : 'top'}: ${q.field || '(top level)'}: ${q.message}`,
      );
    if (others.length > OTHERS_SHOWN) lines.push(`    … and ${others.length - OTHERS_SHOWN} more`);
  }
  return lines.join('\n');
}

export function fieldPath(path: Path): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Schema keys allowed at `path`, read from the zod definitions, for "did you mean" hints. */
function allowedKeysAt(schema: z.ZodType, path: Path): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal definitions
  let def: any = (schema as any)._zod?.def;
  const unwrap = () => {
    while (def && ['optional', 'default', 'nullable', 'pipe', 'prefault', 'readonly'].includes(def.type)) {
      def = (def.innerType ?? def.in)?._zod?.def;
    }
  };
  for (const key of path) {
    unwrap();
    if (!def) return [];
    if (def.type === 'object') def = def.shape?.[key]?._zod?.def;
    else if (def.type === 'record') def = def.valueType?._zod?.def;
    else if (def.type === 'array') def = def.element?._zod?.def;
    else return [];
  }
  unwrap();
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${sanitize(v.length > 40 ? `${v.slice(0, 40)}…` : v)}"`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(data: unknown, path: Path): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function describe(
  issue: z.core.$ZodIssue,
  data: unknown,
  schema: z.ZodType,
): { message: string; hint?: string } {
  const actual = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, issue.path);
      const key = issue.keys[0] as string;
      const guess = closest(key, allowed);
      return {
        message: `unknown field "${sanitize(key)}"`,
        hint: guess
          ? `did you mean "${guess}"? allowed here: ${allowed.join(', ')}`
          : `remove it; allowed here: ${allowed.join(', ') || 'nothing'}`,
      };
    }
    case 'invalid_type':
      if (actual === undefined)
        return { message: `missing required field (expected ${issue.expected})`, hint: 'add it' };
      return {
        message: issue.message.startsWith('Invalid input')
          ? `expected ${issue.expected}, got ${typeName(actual)}`
          : `${issue.message}, got ${typeName(actual)}`,
      };
    case 'invalid_value':
      return {
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${typeName(actual)}`,
      };
    case 'invalid_key': {
      const key = String(issue.path.at(-1) ?? '');
      return {
        message: `${issue.issues[0]?.message ?? 'invalid key'}; the key "${sanitize(key)}" is not allowed`,
        hint: 'rename it',
      };
    }
    case 'invalid_union':
      if (actual === undefined) return { message: 'missing required field', hint: 'add it' };
      return { message: `${issue.message}, got ${typeName(actual)}` };
    default:
      return { message: actual === undefined ? issue.message : `${issue.message}, got ${typeName(actual)}` };
  }
}

/** Finds the node for `path`, or the closest ancestor present in the document. */
function nodeFor(contents: Node | null, path: Path, keyNode: boolean): Node | null {
  let node: Node | null = contents;
  for (const key of path) {
    if (!node) return null;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) return node;
      node = (keyNode && key === path.at(-1) ? pair.key : (pair.value ?? pair.key)) as Node | null;
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[key as number] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

export interface ParsedYaml {
  data: unknown;
  locate(path: Path, keyNode?: boolean): Location | undefined;
}

/**
 * The most YAML tokens a file may have (about 5,000 lines of configuration; the largest shipped
 * playbook has 1,200). The parser's memory and its duplicate-key check grow much faster than the
 * text: 600 KB of `[1,1,1,…]` exhausts a 256 MB heap, so anything larger is refused before parsing.
 */
export const MAX_YAML_TOKENS = 50_000;

/** Parses YAML text keeping positions; a syntax error becomes a UserError naming file, line and column. */
export function parseYamlText(file: string, text: string, kind: string): ParsedYaml {
  let tokens = 0;
  for (const _ of new Lexer().lex(text)) {
    if (++tokens > MAX_YAML_TOKENS)
      throw new UserError(
        formatProblem(kind, {
          file,
          field: '',
          message: `the file has more than ${MAX_YAML_TOKENS} YAML tokens (keys, values, punctuation); a ${kind} is far smaller`,
          hint: `check that ${file} is the ${kind} you meant, or split it`,
        }),
      );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    throw new UserError(
      formatProblem(kind, {
        file,
        location: { line: pos.line, column: pos.col },
        field: '',
        message: `YAML syntax: ${sanitize(error.message.split('\n')[0] ?? error.message)}`,
        hint: 'check indentation, quotes and the ":" after each key',
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The yaml package refuses alias expansion beyond maxAliasCount ("billion laughs").
    throw new UserError(
      formatProblem(kind, {
        file,
        field: '',
        message: `YAML aliases expand too far (${sanitize((err as Error).message)})`,
        hint: 'use fewer anchors/aliases (*name); a configuration never needs them nested this deep',
      }),
    );
  }
  return {
    data,
    locate(path, keyNode = false) {
      const node = nodeFor(doc.contents as Node | null, path, keyNode);
      const offset = node?.range?.[0];
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** Every schema problem of `data`, located in the YAML it came from. */
export function schemaProblems<S extends z.ZodType>(
  file: string,
  parsed: ParsedYaml,
  schema: S,
): { ok: true; value: z.infer<S> } | { ok: false; problems: FileProblem[] } {
  const result = schema.safeParse(parsed.data);
  if (result.success) return { ok: true, value: result.data };
  // An unknown key first: a misspelled required one (`servcies`) is also reported missing, and the
  // unknown key, with its "did you mean", is the one that says what to fix.
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const problems = issues.map((issue) => {
    const { message, hint } = describe(issue, parsed.data, schema);
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] as string] : issue.path;
    const location = parsed.locate(path, issue.code === 'unrecognized_keys' || issue.code === 'invalid_key');
    return { file, field: fieldPath(path), message, ...(hint && { hint }), ...(location && { location }) };
  });
  return { ok: false, problems };
}

/** Validates YAML text read from `file`, or throws one UserError that says what and where. */
export function validateYamlText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  kind: string,
): z.infer<S> {
  const parsed = parseYamlText(file, text, kind);
  if (parsed.data === null || parsed.data === undefined) {
    throw new UserError(formatProblem(kind, { file, field: '', message: 'the file is empty' }));
  }
  const result = schemaProblems(file, parsed, schema);
  if (!result.ok) {
    const [first, ...rest] = result.problems;
    throw new UserError(formatProblem(kind, first as FileProblem, rest));
  }
  return result.value;
}

/** Reads (bounded: see readUserFile) and validates a YAML file; errors say what and where. */
export function loadValidatedYaml<S extends z.ZodType>(file: string, schema: S, kind: string): z.infer<S> {
  return validateYamlText(file, readUserFile(file, kind), schema, kind);
}
