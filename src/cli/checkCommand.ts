import { findConfig, loadConfigFile } from '../config/load';
import { UserError } from '../userError';
import type { Command } from './commands';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate configuration files and say exactly what is wrong and where.',
  usage: 'opsconsole check [FILE...]',
  details: ['Without FILE, checks the configuration opsconsole would use (see --config).'],
  options: {},
  allowPositionals: true,
  async run({ positionals }, globals) {
    const files =
      positionals.length > 0 ? positionals : [findConfig(globals.config)].filter((f): f is string => !!f);
    if (files.length === 0)
      throw new UserError('opsconsole: nothing to check: no configuration found and no FILE given');
    for (const file of files) {
      loadConfigFile(file);
      process.stdout.write(`ok: ${file}\n`);
    }
    return 0;
  },
};
