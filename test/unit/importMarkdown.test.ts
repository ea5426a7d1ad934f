import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  importRunbook,
  MAX_IMPORTED_ITEMS,
  MAX_IMPORTED_NODES,
  parseRunbook,
} from '../../src/playbooks/importMarkdown';
import { checkPlaybookText } from '../../src/playbooks/loadPlaybook';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
import { inertText } from '../../src/text/inert';
import { localTarget } from '../../src/transport/localCommand';

const SEEDS = join(process.cwd(), '..', 'shared', 'seeds');
const seeds = readdirSync(SEEDS).filter((f) => f.endsWith('.txt'));

/** Independent reading of the Markdown: every checklist item and shell block, by line scanning. */
function expectedContent(md: string) {
  const items: string[] = [];
  const blocks: string[] = [];
  let open: { shell: boolean; lines: string[] } | undefined;
  for (const line of md.split('\n')) {
    const fence = /^\s*```(\S*)/.exec(line);
    if (open) {
      if (fence && fence[1] === '') {
        if (open.shell && open.lines.join('').trim() !== '') blocks.push(open.lines.join('\n'));
        open = undefined;
      } else open.lines.push(line);
    } else if (fence) open = { shell: ['', 'bash', 'sh', 'shell'].includes(fence[1] ?? ''), lines: [] };
    else {
      // Checklist items outside code blocks (a template inside a block is not a step).
      const item = /^\s*[-*+]\s+\[[ xX]\]\s+(.*)$/.exec(line.replace(/\r$/, ''))?.[1];
      if (item !== undefined) items.push(item);
    }
  }
  return { items, blocks };
}

describe('opsconsole import', () => {
  it('finds the runbooks to import', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(5);
  });

  it.each(seeds)(
    'imports %s into a valid playbook that keeps every item, command and title word for word',
    (file) => {
      const md = readFileSync(join(SEEDS, file), 'utf8');
      const yaml = importRunbook(md, file);
      expect(checkPlaybookText(file, yaml).problems).toEqual([]);
      const pb = parse(yaml) as {
        nodes: Record<string, { checklist?: string[]; shell?: string; title?: string; reviewed?: boolean }>;
      };
      const nodes = Object.values(pb.nodes);
      const items = nodes.flatMap((n) => n.checklist ?? []);
      const shells = nodes.map((n) => n.shell).filter((s): s is string => s !== undefined);
      const expected = expectedContent(md);
      expect(items).toEqual(expected.items);
      for (const block of expected.blocks) expect(shells).toContain(block);
      for (const n of nodes) if (n.shell !== undefined) expect(n.reviewed).toBe(false);
      const titles = new Set(parseRunbook(md).sections.map((s) => s.title));
      for (const n of nodes) if (n.title) expect([...titles].some((t) => n.title?.startsWith(t))).toBe(true);
    },
  );

  it('never runs an imported command that has not been reviewed', async () => {
    const yaml = importRunbook('# R\n\n## Restart\n\n```bash\ntouch /tmp/oc-should-not-exist\n```\n', 'r.md');
    const { playbook } = checkPlaybookText('r.md', yaml);
    if (!playbook) throw new Error('invalid import');
    const run = new PlaybookRun(playbook, {
      facts: () => ({ now: 0, services: {} }),
      record: () => {},
      targetFor: () => localTarget,
      values: { service: 'x' },
      onChange: () => {},
    });
    expect(run.view().command?.reviewed).toBe(false);
    await expect(run.runStep('x')).rejects.toThrow(/not reviewed/);
  });
});

type ImportedNode = { title?: string; shell?: string; checklist?: string[]; outcome?: string };
/** The imported playbook, parsed, after checking that `check` accepts it. */
function imported(md: string, name = 'runbook.md') {
  const yaml = importRunbook(md, name);
  expect(checkPlaybookText(name, yaml).problems).toEqual([]);
  return {
    yaml,
    playbook: parse(yaml) as { title: string; source: string; nodes: Record<string, ImportedNode> },
  };
}
const shells = (nodes: Record<string, ImportedNode>) =>
  Object.values(nodes)
    .map((n) => n.shell)
    .filter((s) => s !== undefined);

/** Anything a terminal acts on or that reorders text (what the output layer would rewrite). */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('opsconsole import reads Markdown as CommonMark does', () => {
  it('keeps the last step when its fence is never closed (the block runs to the end of the file)', () => {
    const { playbook } = imported(
      '# R\n\n## One\n\n```sh\necho one\n```\n\n## Two\n\n```sh\necho two\nmore\n',
    );
    expect(shells(playbook.nodes)).toEqual(['echo one', 'echo two\nmore']);
  });

  it('closes a fence only with as many of the same character: ``` inside ```` stays in the script', () => {
    const script = 'cat <<EOF\n```\nnot the end\n~~~~\nEOF';
    const { playbook } = imported(`# R\n\n\`\`\`\`sh\n${script}\n\`\`\`\`\n\n~~~sh\necho ~\n\`\`\`\n~~~\n`);
    expect(shells(playbook.nodes)).toEqual([script, 'echo ~\n```']);
  });

  it('keeps the title of a file that starts with a byte order mark', () => {
    expect(imported('\uFEFF# Database failover\n\n- [ ] page the DBA\n').playbook.title).toBe(
      'Database failover',
    );
  });

  it('keeps a newline in the file name inside its values: no YAML key comes from it', () => {
    const { yaml, playbook } = imported('# R\n\n- [ ] x\n', 'a\nstart: evil\n#.md');
    expect(Object.keys(playbook).sort()).toEqual(['description', 'id', 'nodes', 'source', 'start', 'title']);
    expect(playbook.source).toBe('a\nstart: evil\n#.md');
    expect(
      yaml
        .split('\n')
        .filter((l) => /^\S/.test(l) && !l.startsWith('#'))
        .map((l) => l.split(':')[0]),
    ).toEqual(['id', 'title', 'description', 'source', 'start', 'nodes']);
  });

  it('keeps a script with a bidi override or an escape word for word, and its file text inert', () => {
    const script = 'rm -rf /srv/app/\u202e/gol.tmp\necho \u001b[2J done\u0085';
    const { yaml, playbook } = imported(`# R\n\n\`\`\`sh\n${script}\n\`\`\`\n`);
    expect(shells(playbook.nodes)).toEqual([script]);
    expect(ACTIVE.test(yaml)).toBe(false);
    expect(inertText(yaml)).toBe(yaml); // what stdout and --out write is the YAML as made
    expect(yaml).toContain('\\u202e');
  });

  it('imports any script word for word (property)', () => {
    const line = fc
      .string({ unit: 'binary', maxLength: 30 })
      .map((l) => l.replace(/[\r\n\u0000]/g, ''))
      .filter((l) => !/^\s*`{4,}\s*$/.test(l));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
        const script = lines.join('\n');
        fc.pre(script.trim() !== '');
        const { yaml, playbook } = imported(`# R\n\n\`\`\`\`sh\n${script}\n\`\`\`\`\n`);
        expect(shells(playbook.nodes)).toEqual([script]);
        expect(inertText(yaml)).toBe(yaml);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a runbook past its limits in its own terms, and imports one at them into a playbook check accepts', () => {
    const section = (i: number, items: number) =>
      `## Step ${i}\n\n${Array.from({ length: items }, (_, k) => `- [ ] item ${k}`).join('\n')}\n\n\`\`\`sh\necho ${i}\n\`\`\`\n`;
    const perSection = MAX_IMPORTED_ITEMS / (MAX_IMPORTED_NODES / 2);
    const atLimits = Array.from({ length: MAX_IMPORTED_NODES / 2 }, (_, i) => section(i, perSection)).join(
      '\n',
    );
    const { playbook } = imported(atLimits);
    expect(Object.keys(playbook.nodes)).toHaveLength(MAX_IMPORTED_NODES + 1);
    const headings = Array.from({ length: 20_000 }, () => '## Same title\n\n- [ ] one thing').join('\n');
    expect(() => importRunbook(headings, 'big.md')).toThrow(
      new RegExp(
        `big\\.md: the runbook has more than ${MAX_IMPORTED_NODES} steps and checklists[\\s\\S]*fix: split`,
      ),
    );
    expect(() => importRunbook(`## A\n${'- [ ] x\n'.repeat(MAX_IMPORTED_ITEMS + 1)}`, 'long.md')).toThrow(
      /more than 4000 checklist items/,
    );
  });
});
