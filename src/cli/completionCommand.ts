import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateDirFor } from '../config/paths';
import { isIncidentId } from '../incident/incidentRepository';
import { UserError } from '../userError';
import { bashCompletion, manPage, zshCompletion } from './commandDocs';
import type { Command } from './commands';
import { configOrDiscovery } from './configOrDiscovery';
import { stdout } from './output';

declare const OPSCONSOLE_VERSION: string;
const VERSION = typeof OPSCONSOLE_VERSION === 'string' ? OPSCONSOLE_VERSION : 'dev';

/** The lists a completion asks for as you type: environments of the config, incidents on disk. */
async function dynamicList(what: string, config: string | undefined): Promise<string[]> {
  if (what === 'environments') {
    const loaded = await configOrDiscovery(config, {});
    return Object.keys(loaded.config.environments);
  }
  if (what === 'incidents') {
    const loaded = await configOrDiscovery(config, {}).catch(() => undefined);
    const dir = join(loaded ? stateDirFor(loaded) : (process.env.OPSCONSOLE_STATE_DIR ?? ''), 'incidents');
    if (!existsSync(dir)) return [];
    // Only names that are incident ids: the shell inserts what it is offered into the command line.
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .filter(isIncidentId)
      .sort();
  }
  throw new UserError(`opsconsole completion --list: expected environments or incidents; got "${what}"`);
}

export const completionCommand: Command = {
  name: 'completion',
  summary: 'Print the shell completion for bash or zsh (generated from the same table as --help).',
  usage: 'opsconsole completion bash|zsh',
  details: [
    'bash: source <(opsconsole completion bash), or save it as',
    '      /usr/share/bash-completion/completions/opsconsole',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh syntax, printed as is
    'zsh:  opsconsole completion zsh > "${fpath[1]}/_opsconsole"',
    'It completes subcommands, their flags, --env from the configuration and incident ids from the',
    'state directory.',
  ],
  options: { list: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    if (typeof values.list === 'string') {
      const items = await dynamicList(values.list, globals.config);
      if (items.length > 0) stdout.line(items.join('\n'));
      return 0;
    }
    const shell = positionals[0];
    const commands = (await globals.commands?.()) ?? [];
    if (shell === 'bash') stdout.write(bashCompletion(commands));
    else if (shell === 'zsh') stdout.write(zshCompletion(commands));
    else throw new UserError('opsconsole completion: usage: opsconsole completion bash|zsh');
    return 0;
  },
};

export const manCommand: Command = {
  name: 'man',
  summary: 'Print the manual page opsconsole(1) in roff (what `man opsconsole` shows once installed).',
  usage: 'opsconsole man',
  details: ['man -l <(opsconsole man) reads it without installing it.'],
  options: {},
  allowPositionals: false,
  async run(_args, globals) {
    stdout.write(manPage((await globals.commands?.()) ?? [], VERSION));
    return 0;
  },
};
