import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importRunbook, parseRunbook } from '../../src/playbooks/importMarkdown';
import { checkPlaybookText } from '../../src/playbooks/loadPlaybook';
import { PlaybookRun } from '../../src/playbooks/playbookRun';
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
