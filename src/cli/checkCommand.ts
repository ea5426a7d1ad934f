import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { configFromText, findConfig, loadConfigFile } from '../config/load';
import { ChannelUrlError, channelUrl } from '../config/notifySchema';
import { stateDirFor } from '../config/paths';
import { type Config, DEFAULT_THRESHOLDS } from '../config/schema';
import { readUserFile } from '../config/userFile';
import { RECORDING_MAGIC } from '../logstore/recordingFile';
import { proxyProblem } from '../notify/delivery';
import { crossReferenceProblems, loadPlaybookDirs, loadPlaybookFile } from '../playbooks/loadPlaybook';
import { loadScenarioFile } from '../playbooks/scenarioFile';
import { type CaseResult, walkCase } from '../playbooks/scenarios';
import type { Playbook } from '../playbooks/schema';
import { projectRoot } from '../projectRoot';
import { walkRecording } from '../session/replay/recordedScenario';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import { checkStores } from './checkStores';
import type { Command } from './commands';
import { stderr, stdout } from './output';
import { readRecordingFile } from './recordings';

export function shippedPlaybookDir(): string {
  return join(projectRoot(), 'playbooks');
}

/** Playbook directories: the shipped ones, then the config's (relative to the config file). */
export function playbookDirsFor(configPath: string | undefined, configured: string[]): string[] {
  const base = configPath ? dirname(configPath) : process.cwd();
  return [shippedPlaybookDir(), ...configured.map((d) => resolve(base, d))];
}

/**
 * One FILE given to `check`, read once (it may be a FIFO): a top-level `start:` or `nodes:` key
 * marks a playbook, read as text so that broken YAML is classified too; anything else is a config.
 */
function checkFile(file: string): Config | undefined {
  const text = readUserFile(file, 'config or playbook');
  if (/^(start|nodes):/m.test(text)) {
    loadPlaybookFile(file, text);
    return undefined;
  }
  return configFromText(file, text).config;
}

/** Chat channels: each URL where the config says, readable and http(s); nothing is sent. */
function checkChannels(config: Config, attempt: (label: string, fn: () => void) => void): void {
  const hasChannels = Object.values(config.environments).some((e) => Object.keys(e.notify).length > 0);
  const proxy = hasChannels ? proxyProblem() : undefined;
  if (proxy)
    attempt('the proxy settings', () => {
      throw new UserError(`opsconsole: ${proxy}`);
    });
  for (const [envName, env] of Object.entries(config.environments))
    for (const [name, channel] of Object.entries(env.notify))
      attempt(`chat channel ${name} (${channel.kind}) of ${envName}`, () => {
        try {
          channelUrl(name, channel);
        } catch (err) {
          if (err instanceof ChannelUrlError) throw new UserError(`opsconsole: ${envName}: ${err.message}`);
          throw err;
        }
      });
}

function printCase(r: CaseResult, name: string, expect: string): void {
  const path = r.path.map(
    (s) =>
      `${s.node} ${s.answer}${s.from === 'data' ? ' (data)' : s.from === 'override' ? ' (override)' : ''}`,
  );
  stdout.line(`  ${r.passed ? 'PASS' : 'FAIL'}  ${sanitize(name)}`);
  stdout.line(`        ${[...path, r.reached ?? '?'].join(' → ')}`);
  if (!r.passed)
    stdout.line(
      `        expected ${sanitize(expect)}, reached ${r.reached ?? 'nothing'}${r.problem ? `: ${sanitize(r.problem)}` : ''}`,
    );
}

/** Whether a file begins as a recording does (read once, its first bytes). */
function isRecordingFile(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(RECORDING_MAGIC.length);
      const n = readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).toString() === RECORDING_MAGIC;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** `check --scenarios`: each case of each file walked, its path and verdict printed; exit 1 on a failure. */
function checkScenarios(files: string[], configFlag: string | undefined): number {
  const configPath = findConfig(configFlag);
  const config = configPath ? loadConfigFile(configPath).config : undefined;
  const playbooks = loadPlaybookDirs(playbookDirsFor(configPath, config?.playbookDirs ?? []));
  const dir = join(shippedPlaybookDir(), 'scenarios');
  const inputs =
    files.length > 0
      ? files
      : readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(dir, f));
  let failed = 0;
  for (const file of inputs) {
    // A recording is a case of its own: its signals replayed, its responders' outcome expected.
    if (isRecordingFile(file)) {
      const r = walkRecording(readRecordingFile(file), playbooks, config?.thresholds ?? DEFAULT_THRESHOLDS);
      if (!r.passed) failed++;
      stdout.line(`${file} (${r.playbook}, recording)`);
      printCase(r, r.name, r.expected ?? '?');
      continue;
    }
    const { scenario, playbook } = loadScenarioFile(file, playbooks);
    stdout.line(`${file} (${scenario.playbook})`);
    for (const c of scenario.cases) {
      const r = walkCase(playbook, c);
      if (!r.passed) failed++;
      printCase(r, c.name, c.expect);
    }
  }
  stdout.line(failed === 0 ? 'all scenarios pass' : `${failed} scenario${failed === 1 ? '' : 's'} failed`);
  return failed > 0 ? 1 : 0;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate configuration and playbook files and say exactly what is wrong and where.',
  usage: 'opsconsole check [FILE...]\n       opsconsole check --scenarios [FILE...]',
  details: [
    'Without FILE: the configuration opsconsole would use, the shipped playbooks and the',
    "config's playbookDirs. A FILE with `start` and `nodes` is read as a playbook, else as a config.",
    'Every file is checked; the exit status is 2 if any has a problem.',
    '',
    '--scenarios walks playbooks against scenario files (default: the shipped playbooks/scenarios):',
    'for each case, the path taken, which answers came from the data, and pass or fail against its',
    'expected outcome. Exit 1 if any case fails, 2 if a file is invalid. A FILE may be a recording',
    '(`export ID --recording`): its signals are replayed through the rules and the playbook its',
    "responders answered is walked with the data's answers, expecting the outcome they reached.",
  ],
  options: { scenarios: { type: 'boolean' } },
  allowPositionals: true,
  async run({ positionals, values }, globals) {
    if (values.scenarios) return checkScenarios(positionals, globals.config);
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
      for (const file of positionals) {
        // The file is "ok" only when its channels are too (each said above it, fine or not).
        attempt(file, () => {
          const config = checkFile(file);
          if (!config) return;
          const before = failures.length;
          checkChannels(config, attempt);
          if (failures.length > before)
            throw new UserError(
              `opsconsole: ${file}: ${failures.length - before} chat channel problem(s), above`,
            );
        });
      }
    } else {
      const configPath = findConfig(globals.config);
      let dirs = [shippedPlaybookDir()];
      if (configPath) {
        attempt(configPath, () => {
          const config = loadConfigFile(configPath).config;
          dirs = playbookDirsFor(configPath, config.playbookDirs);
          checkChannels(config, attempt);
          checkStores(config, stateDirFor(loadConfigFile(configPath)), attempt);
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
