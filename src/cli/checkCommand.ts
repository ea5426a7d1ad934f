import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findConfig, loadConfigFile } from '../config/load';
import { crossReferenceProblems, loadPlaybookDirs, loadPlaybookFile } from '../playbooks/loadPlaybook';
import type { Playbook } from '../playbooks/schema';
import { projectRoot } from '../projectRoot';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stderr, stdout } from './output';

export function shippedPlaybookDir(): string {
  return join(projectRoot(), 'playbooks');
}

/** Playbook directories: the shipped ones, then the config's (relative to the config file). */
export function playbookDirsFor(configPath: string | undefined, configured: string[]): string[] {
  const base = configPath ? dirname(configPath) : process.cwd();
  return [shippedPlaybookDir(), ...configured.map((d) => resolve(base, d))];
}

/** A top-level `start:` or `nodes:` key marks a playbook; read as text so broken YAML is classified too. */
function looksLikePlaybook(file: string): boolean {
  try {
    return /^(start|nodes):/m.test(readFileSync(file, 'utf8'));
  } catch {
    return false; // the loader reports the unreadable file
  }
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate configuration and playbook files and say exactly what is wrong and where.',
  usage: 'opsconsole check [FILE...]',
  details: [
    'Without FILE: the configuration opsconsole would use, the shipped playbooks and the',
    "config's playbookDirs. A FILE with `start` and `nodes` is read as a playbook, else as a config.",
    'Every file is checked; the exit status is 2 if any has a problem.',
  ],
  options: {},
  allowPositionals: true,
  async run({ positionals }, globals) {
    const failures: string[] = [];
    const attempt = (label: string, fn: () => void) => {
      try {
        fn();
        stdout.line(`ok: ${label}`);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        failures.push(err.message);
      }
    };
    if (positionals.length > 0) {
      for (const file of positionals)
        attempt(file, () => (looksLikePlaybook(file) ? loadPlaybookFile(file) : loadConfigFile(file)));
    } else {
      const configPath = findConfig(globals.config);
      let dirs = [shippedPlaybookDir()];
      if (configPath) {
        attempt(configPath, () => {
          dirs = playbookDirsFor(configPath, loadConfigFile(configPath).config.playbookDirs);
        });
      }
      let playbooks = new Map<string, Playbook>();
      attempt(`playbooks in ${dirs.join(', ')}`, () => {
        playbooks = loadPlaybookDirs(dirs);
        const cross = crossReferenceProblems(playbooks);
        if (cross.length > 0) throw new UserError(`opsconsole: invalid playbooks:\n  ${cross.join('\n  ')}`);
      });
    }
    for (const f of failures) stderr.line(f);
    return failures.length > 0 ? 2 : 0;
  },
};
