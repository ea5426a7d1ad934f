import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** What every command gets besides its own flags. */
export interface Globals {
  config?: string;
  /** Every command, the console first: for the man page and the completions, which describe them all. */
  commands?: () => Promise<Command[]>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Lines after the usage in --help. */
  details: string[];
  options: OptionSpec;
  allowPositionals: boolean;
  run(args: ParsedCommand, globals: Globals): Promise<number>;
}

export const GLOBAL_OPTIONS: OptionSpec = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

export function helpText(cmd: Command): string {
  return [
    `Usage: ${cmd.usage}`,
    '',
    cmd.summary,
    '',
    ...cmd.details,
    '',
    '  --config PATH   configuration file',
    '  -h, --help      this help',
  ].join('\n');
}
