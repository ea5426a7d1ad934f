import { parseArgs } from 'node:util';
import { closest } from '../text/closest';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { type Command, GLOBAL_OPTIONS, helpText } from './commands';
import { crashMessage } from './crashReport';
import { stderr, stdout } from './output';

declare const OPSCONSOLE_VERSION: string;
const VERSION = typeof OPSCONSOLE_VERSION === 'string' ? OPSCONSOLE_VERSION : 'dev';

/**
 * Subcommands load on demand, so `opsconsole logs` or `--version` never pays for the console's
 * UI, the config schema or the HTTP client.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: () => import('./demoCommand').then((m) => m.demoCommand),
  status: () => import('./statusCommand').then((m) => m.statusCommand),
  check: () => import('./checkCommand').then((m) => m.checkCommand),
  logs: () => import('./logsCommand').then((m) => m.logsCommand),
  incident: () => import('./incidentCommand').then((m) => m.incidentCommand),
  export: () => import('./exportCommand').then((m) => m.exportCommand),
  replay: () => import('./replayCommand').then((m) => m.replayCommand),
  import: () => import('./importCommand').then((m) => m.importCommand),
  store: () => import('./storeCommand').then((m) => m.storeCommand),
  'trust-host': () => import('./trustHostCommand').then((m) => m.trustHostCommand),
  init: () => import('./initCommand').then((m) => m.initCommand),
  alerts: () => import('./alertsCommand').then((m) => m.alertsCommand),
  rollout: () => import('./rolloutCommand').then((m) => m.rolloutCommand),
  container: () => import('./containerCommand').then((m) => m.containerCommand),
  workload: () => import('./workloadCommand').then((m) => m.workloadCommand),
  notify: () => import('./notifyCommand').then((m) => m.notifyCommand),
  serve: () => import('./serveCommand').then((m) => m.serveCommand),
  attach: () => import('./attachCommand').then((m) => m.attachCommand),
  completion: () => import('./completionCommand').then((m) => m.completionCommand),
  man: () => import('./completionCommand').then((m) => m.manCommand),
};

/** Every subcommand, the console first: the table that --help, the man page and completions share. */
export async function commandTable(): Promise<Command[]> {
  return [await loadConsoleCommand(), ...(await Promise.all(Object.values(COMMANDS).map((load) => load())))];
}
const loadConsoleCommand = () => import('./consoleCommand').then((m) => m.consoleCommand);

async function topHelp(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return [
    'opsconsole: terminal incident console (containers, error rates, logs, guided triage, timeline)',
    '',
    'Usage: opsconsole [--config PATH] [--env NAME]    open the console on the configured environment',
    ...commands.map((c) => `       opsconsole ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Options: --config PATH, -h/--help (also after a subcommand), -V/--version',
    'Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.',
  ].join('\n');
}

/**
 * The options of the console (no subcommand) that take a value, so `opsconsole --store-budget 1GiB`
 * does not read `1GiB` as a subcommand. Kept equal to the console command's by a unit test.
 */
export const CONSOLE_VALUE_OPTIONS = [
  '--config',
  '--env',
  '--docker',
  '--prometheus',
  '--context',
  '--namespace',
  '--store-budget',
];

/** Index of the subcommand word: the first argument that is neither an option nor a global option's value. */
function commandIndex(argv: string[]): number {
  const takesValue = new Set(CONSOLE_VALUE_OPTIONS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-')) return i;
    if (takesValue.has(a)) i++;
  }
  return -1;
}

async function parseFor(cmd: Command, argv: string[], isConsole: boolean) {
  try {
    return parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...cmd.options },
      allowPositionals: cmd.allowPositionals,
      strict: true,
    });
  } catch (err) {
    const usage = isConsole ? await topHelp() : helpText(cmd);
    const message = (err as Error).message;
    // Node calls `--for -5m` ambiguous; say which word was taken for an option instead.
    const option = /^Option '(-[^ ']+)' argument is ambiguous/.exec(message)?.[1];
    const next = option && argv[argv.indexOf(option) + 1];
    if (option && next)
      throw new UserError(
        `opsconsole: ${option}: "${sanitize(next)}" starts with "-", so it is read as an option, not as the value of ${option}\n  fix: write ${option}=${sanitize(next)} if that is the value you mean`,
      );
    throw new UserError(`${optionProblem(err as Error, cmd, isConsole)}\n\n${usage}`);
  }
}

/** What parseArgs refused, with the nearest flag this command has when one was misspelled. */
function optionProblem(err: Error, cmd: Command, isConsole: boolean): string {
  const who = isConsole ? 'opsconsole' : `opsconsole ${cmd.name}`;
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(err.message)?.[1];
  if (!unknown) return `${who}: ${sanitize(err.message.split('\n')[0] ?? '')}`;
  const flags = Object.keys({ ...GLOBAL_OPTIONS, ...cmd.options }).map((o) => `--${o}`);
  const guess = closest(unknown, flags);
  return `${who}: unknown option ${sanitize(unknown)}${guess ? `; did you mean ${guess}?` : ''}`;
}

/** An unknown subcommand: the nearest one when it looks misspelled, else every command. */
async function unknownCommand(argv: string[], at: number): Promise<UserError> {
  const word = argv[at] as string;
  const guess = closest(word, Object.keys(COMMANDS));
  if (!guess) return new UserError(`opsconsole: unknown command "${sanitize(word)}"\n\n${await topHelp()}`);
  return new UserError(
    `opsconsole: unknown command "${sanitize(word)}"; did you mean "${guess}"?\n  fix: opsconsole ${argv.map((a, i) => (i === at ? guess : sanitize(a))).join(' ')}   (opsconsole --help lists every command)`,
  );
}

/** Runs the CLI and returns the exit code; user mistakes print one message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      stdout.line(`opsconsole ${VERSION}`);
      return 0;
    }
    const at = commandIndex(argv);
    const first = at === -1 ? undefined : argv[at];
    const load = first === undefined ? undefined : COMMANDS[first];
    if (!load && first !== undefined) throw await unknownCommand(argv, at);
    const command = load ? await load() : await loadConsoleCommand();
    const rest = load ? argv.filter((_, i) => i !== at) : argv;
    const { values, positionals } = await parseFor(command, rest, !load);
    if (values.version) {
      stdout.line(`opsconsole ${VERSION}`);
      return 0;
    }
    if (values.help) {
      stdout.line(load ? helpText(command) : await topHelp());
      return 0;
    }
    return await command.run(
      { values, positionals },
      { config: values.config as string | undefined, commands: commandTable },
    );
  } catch (err) {
    if (err instanceof UserError) {
      stderr.line(err.message);
      return err.exitCode;
    }
    stderr.line(crashMessage(err));
    return 1;
  }
}
