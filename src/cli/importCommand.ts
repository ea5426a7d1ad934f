import { resolve } from 'node:path';
import { readUserFile } from '../config/userFile';
import { writeFileAtomic } from '../files/privateFiles';
import { importRunbook } from '../playbooks/importMarkdown';
import { checkPlaybookText } from '../playbooks/loadPlaybook';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stderr, stdout } from './output';

export const importCommand: Command = {
  name: 'import',
  summary: 'Turn a Markdown runbook into a playbook YAML for review.',
  usage: 'opsconsole import RUNBOOK.md [--out PATH]',
  details: [
    'Headings with "- [ ]" items become checklists; fenced shell blocks become steps, kept word for',
    'word and marked reviewed: false, so they never run until a person has read them.',
    'Without --out the YAML goes to standard output.',
  ],
  options: { out: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0)
      throw new UserError('opsconsole: usage: opsconsole import RUNBOOK.md [--out PATH]');
    const markdown = readUserFile(file, 'runbook');
    const yaml = importRunbook(markdown, file);
    const { problems } = checkPlaybookText(file, yaml);
    if (problems.length > 0)
      throw new UserError(`opsconsole: the import of ${file} does not validate: ${problems[0]?.message}`, 1);
    if (typeof values.out === 'string') {
      writeFileAtomic(resolve(values.out), yaml);
      stderr.line(`wrote ${resolve(values.out)}; review it, then run opsconsole check`);
    } else {
      stdout.write(yaml);
    }
    return 0;
  },
};
