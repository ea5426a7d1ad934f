import { parseArgs } from 'node:util';
import { UserError } from '../userError';
import { checkCommand } from './checkCommand';
import { type Command, GLOBAL_OPTIONS, helpText } from './commands';
import { consoleCommand } from './consoleCommand';
import { demoCommand } from './demoCommand';
import { exportCommand } from './exportCommand';
import { importCommand } from './importCommand';
import { incidentCommand } from './incidentCommand';
import { logsCommand } from './logsCommand';
import { statusCommand } from './statusCommand';
import { trustHostCommand } from './trustHostCommand';

declare const OPSCONSOLE_VERSION: string;
const VERSION = typeof OPSCONSOLE_VERSION === 'string' ? OPSCONSOLE_VERSION : 'dev';

const COMMANDS: Command[] = [
  demoCommand,
  statusCommand,
  checkCommand,
  incidentCommand,
  exportCommand,
  importCommand,
  trustHostCommand,
  logsCommand,
];

function topHelp(): string {
  return [
    'opsconsole: terminal incident console (containers, error rates, logs, guided triage, timeline)',
    '',
    'Usage: opsconsole [--config PATH] [--env NAME]    open the console on the configured environment',
    ...COMMANDS.map((c) => `       opsconsole ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'Options: --config PATH, -h/--help (also after a subcommand), -V/--version',
    'Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.',
  ].join('\n');
}

/** Index of the subcommand word: the first argument that is neither an option nor an option's value. */
function commandIndex(argv: string[]): number {
  const takesValue = new Set(
    [GLOBAL_OPTIONS, ...[consoleCommand, ...COMMANDS].map((c) => c.options)].flatMap((o) =>
      Object.entries(o)
        .filter(([, spec]) => spec.type === 'string')
        .map(([name]) => `--${name}`),
    ),
  );
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-')) return i;
    if (takesValue.has(a)) i++;
  }
  return -1;
}

function parseFor(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...cmd.options },
      allowPositionals: cmd.allowPositionals,
      strict: true,
    });
  } catch (err) {
    const usage = cmd === consoleCommand ? topHelp() : helpText(cmd);
    throw new UserError(`opsconsole: ${(err as Error).message.split('\n')[0]}\n\n${usage}`);
  }
}

/** Runs the CLI and returns the exit code; user mistakes print one message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    const at = commandIndex(argv);
    const first = at === -1 ? undefined : argv[at];
    const cmd = COMMANDS.find((c) => c.name === first);
    if (!cmd && first !== undefined) {
      throw new UserError(`opsconsole: unknown command "${first}"\n\n${topHelp()}`);
    }
    const command = cmd ?? consoleCommand;
    const rest = cmd ? argv.filter((_, i) => i !== at) : argv;
    const { values, positionals } = parseFor(command, rest);
    if (values.version) {
      process.stdout.write(`opsconsole ${VERSION}\n`);
      return 0;
    }
    if (values.help) {
      process.stdout.write(`${cmd ? helpText(cmd) : topHelp()}\n`);
      return 0;
    }
    return await command.run({ values, positionals }, { config: values.config as string | undefined });
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`opsconsole: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
