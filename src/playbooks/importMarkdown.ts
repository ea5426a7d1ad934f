import { basename } from 'node:path';
import { Document, visit } from 'yaml';
import { inertJson } from '../text/inert';
import { UserError } from '../userError';

interface Section {
  title: string;
  checklist: string[];
  scripts: string[];
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECK_ITEM = /^\s*[-*+]\s+\[[ xX]\]\s+(.*)$/;
const FENCE = /^\s*(`{3,}(?=[^`]*$)|~{3,})\s*([\w+-]*)/;
const SHELL_LANGS = new Set(['', 'bash', 'sh', 'shell', 'zsh', 'console', 'shellscript']);

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return /^[a-z0-9]/.test(s) ? s : `step${s ? `-${s}` : ''}`;
}

/** An open fenced code block: CommonMark closes it only with a run of the same character, as long or longer. */
interface OpenFence {
  char: '`' | '~';
  length: number;
  shell: boolean;
  lines: string[];
}

function closesFence(line: string, fence: OpenFence): boolean {
  const t = line.trim();
  return t.length >= fence.length && [...t].every((c) => c === fence.char);
}

/**
 * The most steps and checklists one import makes, and the most checklist items: a playbook beyond
 * these would be refused by `opsconsole check` (its YAML token limit: a node costs up to 46 tokens,
 * an item 6) and could not be walked by a person anyway, so the runbook is refused up front, in its
 * own terms.
 */
export const MAX_IMPORTED_NODES = 500;
export const MAX_IMPORTED_ITEMS = 4_000;

/** Headings, checklist items and shell blocks of a Markdown runbook, in order. */
export function parseRunbook(markdown: string): { title?: string; sections: Section[] } {
  const sections: Section[] = [];
  let title: string | undefined;
  let current: Section | undefined;
  let listed = false; // whether `current` is in `sections` yet (a heading with nothing under it is not)
  let fence: OpenFence | undefined;
  let nodes = 0;
  let items = 0;
  const sectionFor = (fallback: string): Section => {
    if (!current) {
      current = { title: title ?? fallback, checklist: [], scripts: [] };
      listed = false;
    }
    if (!listed) {
      sections.push(current);
      listed = true;
    }
    return current;
  };
  const endFence = (open: OpenFence) => {
    if (!open.shell || !open.lines.some((l) => l.trim() !== '')) return;
    if (++nodes > MAX_IMPORTED_NODES)
      throw new RunbookTooLarge(`more than ${MAX_IMPORTED_NODES} steps and checklists`);
    sectionFor('Steps').scripts.push(open.lines.join('\n'));
  };
  // Whether the previous line was a checklist item (or its continuation), which a following plain
  // line continues (a "lazy continuation" in CommonMark).
  let inItem = false;
  // CommonMark ends a line at LF, CR LF or a lone CR; a byte order mark is not part of the text,
  // and the line break at the end of the file ends the last line rather than starting another.
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const continues = inItem;
    inItem = false;
    if (fence) {
      if (closesFence(line, fence)) {
        endFence(fence);
        fence = undefined;
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const f = FENCE.exec(line);
    if (f) {
      const run = f[1] as string;
      fence = {
        char: run[0] as '`' | '~',
        length: run.length,
        shell: SHELL_LANGS.has((f[2] ?? '').toLowerCase()),
        lines: [],
      };
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      const text = h[2] as string;
      if ((h[1] as string).length === 1 && title === undefined) title = text;
      current = { title: text, checklist: [], scripts: [] };
      listed = false;
      continue;
    }
    const item = CHECK_ITEM.exec(line);
    if (item) {
      const section = sectionFor('Checklist');
      if (section.checklist.length === 0 && ++nodes > MAX_IMPORTED_NODES)
        throw new RunbookTooLarge(`more than ${MAX_IMPORTED_NODES} steps and checklists`);
      if (++items > MAX_IMPORTED_ITEMS)
        throw new RunbookTooLarge(`more than ${MAX_IMPORTED_ITEMS} checklist items`);
      section.checklist.push(item[1] as string);
      inItem = true;
    } else if (continues && current && line.trim() !== '' && !/^\s*[-*+] /.test(line)) {
      const last = current.checklist.length - 1;
      current.checklist[last] = `${current.checklist[last]} ${line.trim()}`;
      inItem = true;
    }
  }
  // CommonMark: a fence never closed runs to the end of the document; its script is still a step.
  if (fence) endFence(fence);
  return { ...(title !== undefined && { title }), sections };
}

/** A runbook that would make a playbook too large to check or to walk, said in the runbook's terms. */
export class RunbookTooLarge extends Error {
  constructor(readonly what: string) {
    super(`the runbook has ${what}`);
  }
}

/** Characters a terminal acts on or that reorder text (as `inertText` finds them), and the separators. */
const ACTIVE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/;

/**
 * The playbook as YAML whose every value is the runbook's text word for word, and whose file text is
 * inert: a value holding a control character or a bidi override is written double-quoted, as JSON
 * is, with those characters as \uXXXX escapes. A YAML reader gets the exact text back; a person
 * who `cat`s the file sees the escape instead of having the line reordered or the terminal driven.
 */
function inertYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && ACTIVE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc
    .toString({ lineWidth: 0, blockQuote: 'literal', doubleQuotedAsJSON: true })
    .replace(new RegExp(ACTIVE.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Turns a Markdown runbook into a playbook for review: each heading with `- [ ]` items becomes a
 * checklist, each shell block a step that keeps the block word for word. Imported steps are marked
 * `reviewed: false` and never run until a person has read them and changed that.
 */
export function importRunbook(markdown: string, sourceName: string): string {
  const name = basename(sourceName);
  let parsed: ReturnType<typeof parseRunbook>;
  try {
    parsed = parseRunbook(markdown);
  } catch (err) {
    if (!(err instanceof RunbookTooLarge)) throw err;
    throw new UserError(
      [
        `opsconsole: cannot import ${sourceName}: ${err.message}; one playbook holds at most ${MAX_IMPORTED_NODES} steps and checklists and ${MAX_IMPORTED_ITEMS} checklist items`,
        '  fix: split the runbook into several files, one per procedure, and import each',
      ].join('\n'),
    );
  }
  const { title, sections } = parsed;
  const id = slug(name.replace(/\.[^.]+$/, '')) || 'imported';
  const nodes: Record<string, Record<string, unknown>> = {};
  const order: string[] = [];
  const used = new Set<string>();
  // The next suffix to try per base, so that a thousand headings with one title stay linear.
  const nextSuffix = new Map<string, number>();
  const uniqueId = (text: string) => {
    const base = slug(text) || 'step';
    let candidate = base;
    for (let n = nextSuffix.get(base) ?? 2; used.has(candidate); n++) {
      candidate = `${base}-${n}`;
      nextSuffix.set(base, n + 1);
    }
    used.add(candidate);
    return candidate;
  };
  for (const s of sections) {
    if (s.checklist.length > 0) {
      const nodeId = uniqueId(s.title);
      nodes[nodeId] = { title: s.title, checklist: s.checklist };
      order.push(nodeId);
    }
    s.scripts.forEach((script, i) => {
      const stepTitle = s.scripts.length > 1 ? `${s.title} (${i + 1} of ${s.scripts.length})` : s.title;
      const nodeId = uniqueId(`${s.title}-run`);
      nodes[nodeId] = { title: stepTitle, shell: script, reviewed: false, destructive: true };
      order.push(nodeId);
    });
  }
  const doneId = uniqueId('done');
  nodes[doneId] = { outcome: `End of ${title ?? id}` };
  order.push(doneId);
  for (let i = 0; i < order.length - 1; i++)
    (nodes[order[i] as string] as Record<string, unknown>).next = order[i + 1];
  const playbook = {
    id,
    title: title ?? id,
    description: `Imported from ${name}. Review every step before use.`,
    source: name,
    start: order[0],
    nodes,
  };
  const header = [
    '# yaml-language-server: $schema=playbook.schema.json',
    // The name as a JSON string: a newline in it must not end the comment and start YAML.
    `# Imported from ${inertJson(name)} by \`opsconsole import\`.`,
    '# Every command step is reviewed: false and will not run until a person has read it and set',
    '# reviewed: true. Shell steps run their script with bash -c on the step host.',
  ].join('\n');
  return `${header}\n${inertYaml(playbook)}`;
}
