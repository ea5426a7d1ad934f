import { basename } from 'node:path';
import { stringify } from 'yaml';

interface Section {
  title: string;
  checklist: string[];
  scripts: string[];
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECK_ITEM = /^\s*[-*+]\s+\[[ xX]\]\s+(.*)$/;
const FENCE = /^\s*(```+|~~~+)\s*([\w+-]*)/;
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

/** Headings, checklist items and shell blocks of a Markdown runbook, in order. */
export function parseRunbook(markdown: string): { title?: string; sections: Section[] } {
  const sections: Section[] = [];
  let title: string | undefined;
  let current: Section | undefined;
  let fence: { marker: string; shell: boolean; lines: string[] } | undefined;
  // Whether the previous line was a checklist item (or its continuation), which a following plain
  // line continues (a "lazy continuation" in CommonMark).
  let inItem = false;
  // CommonMark ends a line at LF, CR LF or a lone CR.
  for (const line of markdown.split(/\r\n|\r|\n/)) {
    const continues = inItem;
    inItem = false;
    if (fence) {
      if (line.trim().startsWith(fence.marker) && line.trim().replace(/[`~]/g, '') === '') {
        if (fence.shell && fence.lines.some((l) => l.trim() !== '')) {
          current ??= { title: title ?? 'Steps', checklist: [], scripts: [] };
          if (!sections.includes(current)) sections.push(current);
          current.scripts.push(fence.lines.join('\n'));
        }
        fence = undefined;
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const f = FENCE.exec(line);
    if (f) {
      fence = {
        marker: (f[1] as string).slice(0, 3),
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
      continue;
    }
    const item = CHECK_ITEM.exec(line);
    if (item) {
      current ??= { title: title ?? 'Checklist', checklist: [], scripts: [] };
      if (!sections.includes(current)) sections.push(current);
      current.checklist.push(item[1] as string);
      inItem = true;
    } else if (continues && current && line.trim() !== '' && !/^\s*[-*+] /.test(line)) {
      const last = current.checklist.length - 1;
      current.checklist[last] = `${current.checklist[last]} ${line.trim()}`;
      inItem = true;
    }
  }
  return { ...(title !== undefined && { title }), sections };
}

/**
 * Turns a Markdown runbook into a playbook for review: each heading with `- [ ]` items becomes a
 * checklist, each shell block a step that keeps the block word for word. Imported steps are marked
 * `reviewed: false` and never run until a person has read them and changed that.
 */
export function importRunbook(markdown: string, sourceName: string): string {
  const { title, sections } = parseRunbook(markdown);
  const id = slug(basename(sourceName).replace(/\.[^.]+$/, '')) || 'imported';
  const nodes: Record<string, Record<string, unknown>> = {};
  const order: string[] = [];
  const used = new Set<string>();
  const uniqueId = (text: string) => {
    const base = slug(text) || 'step';
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base}-${n}`;
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
    description: `Imported from ${basename(sourceName)}. Review every step before use.`,
    source: basename(sourceName),
    start: order[0],
    nodes,
  };
  const header = [
    '# yaml-language-server: $schema=playbook.schema.json',
    `# Imported from ${basename(sourceName)} by \`opsconsole import\`.`,
    '# Every command step is reviewed: false and will not run until a person has read it and set',
    '# reviewed: true. Shell steps run their script with bash -c on the step host.',
  ].join('\n');
  return `${header}\n${stringify(playbook, { lineWidth: 0, blockQuote: 'literal' })}`;
}
