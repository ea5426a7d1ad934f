import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bashCompletion, manPage, zshCompletion } from '../../src/cli/commandDocs';
import { commandTable } from '../../src/cli/main';
import { PtyTerminal } from '../helpers/ptyTerminal';

const root = process.cwd();
const dist = join(root, 'dist');
const exeName = 'opsconsole-linux-x64';
/** Nothing of this machine's environment: no PATH, no HOME, no Node. */
const nothing = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));
const run = promisify(execFile);

beforeAll(() => {
  execFileSync('npm', ['run', 'dist'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}, 600_000);

describe('the single executable (npm run dist), on a machine with no Node at all', () => {
  it('runs --version and status --json from a bare directory with an empty environment', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'oc-bare-'));
    copyFileSync(join(dist, exeName), join(bare, 'opsconsole'));
    execFileSync('chmod', ['755', join(bare, 'opsconsole')]);
    writeFileSync(join(bare, 'api.log'), '');
    writeFileSync(
      join(bare, 'opsconsole.yaml'),
      `environments:\n  prod:\n    services:\n      api:\n        logs: [{ file: ${join(bare, 'api.log')} }]\n`,
    );
    const version = await run(join(bare, 'opsconsole'), ['--version'], { cwd: bare, env: {} });
    expect(version.stdout).toMatch(/^opsconsole \d+\.\d+\.\d+\n$/);
    const status = await run(join(bare, 'opsconsole'), ['status', '--json', '--sample', '1s'], {
      cwd: bare,
      env: { XDG_CACHE_HOME: join(bare, 'cache'), OPSCONSOLE_STATE_DIR: join(bare, 'state') },
    });
    expect(JSON.parse(status.stdout)).toMatchObject({ environment: 'prod', containers: [] });
    // Unpacked once into a private cache directory.
    const cache = join(bare, 'cache', 'opsconsole');
    expect(readdirSync(cache).filter((d) => !d.startsWith('.'))).toHaveLength(1);
    expect(execFileSync('stat', ['-c', '%a', cache], { encoding: 'utf8' }).trim()).toBe('700');
  });

  it('runs the demo (its services are the executable itself under a hidden subcommand) and stops them on quit', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'oc-bare-'));
    const t = new PtyTerminal(join(dist, exeName), ['demo', '--deploy-after', 'never'], {
      cwd: bare,
      env: { ...nothing, TERM: 'xterm-256color', HOME: bare },
    });
    await t.waitFor(/worker\s+running/, 60_000);
    expect(t.text()).toMatch(/api\s+running/);
    t.press('q');
    expect(await t.exited).toBe(0);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toMatch(/__demo-service/);
  });

  it('is packaged as a .deb: the executable, the man page and both completions, runnable from an unpacked root', async () => {
    const deb = readdirSync(dist).find((f) => /^opsconsole_.*\.deb$/.test(f)) as string;
    const info = execFileSync('dpkg-deb', ['-f', join(dist, deb), 'Package', 'Architecture'], {
      encoding: 'utf8',
    });
    expect(info).toMatch(/Package: opsconsole\nArchitecture: amd64/);
    const into = mkdtempSync(join(tmpdir(), 'oc-deb-'));
    execFileSync('dpkg-deb', ['-x', join(dist, deb), into]);
    const version = await run(join(into, 'usr/bin/opsconsole'), ['--version'], {
      cwd: into,
      env: { HOME: into },
    });
    expect(version.stdout).toMatch(/^opsconsole /);
    const man = gunzipSync(readFileSync(join(into, 'usr/share/man/man1/opsconsole.1.gz'))).toString();
    expect(man).toMatch(/^\.TH OPSCONSOLE 1/);
    expect(existsSync(join(into, 'usr/share/bash-completion/completions/opsconsole'))).toBe(true);
    expect(readFileSync(join(into, 'usr/share/zsh/vendor-completions/_opsconsole'), 'utf8')).toMatch(
      /^#compdef opsconsole/,
    );
  });
});

describe('the npm package', () => {
  it('npm pack makes a tarball that npm install -g installs, and its opsconsole demo runs', async () => {
    const into = mkdtempSync(join(tmpdir(), 'oc-pack-'));
    // --ignore-scripts: prepack would rebuild dist/ under the tests running beside this one; the
    // suite built it already (npm test builds before it tests).
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', into], {
      cwd: root,
      stdio: 'ignore',
    });
    const tarball = readdirSync(into).find((f) => f.endsWith('.tgz')) as string;
    execFileSync('npm', ['install', '-g', '--prefix', join(into, 'global'), join(into, tarball)], {
      cwd: into,
      stdio: 'ignore',
    });
    const bin = join(into, 'global', 'bin', 'opsconsole');
    expect((await run(bin, ['--version'], { cwd: into })).stdout).toMatch(/^opsconsole /);
    const t = new PtyTerminal(bin, ['demo', '--deploy-after', 'never'], {
      cwd: into,
      env: { ...nothing, TERM: 'xterm-256color', HOME: into, PATH: '/usr/bin:/bin' },
    });
    await t.waitFor(/worker\s+running/, 60_000);
    t.press('q');
    expect(await t.exited).toBe(0);
  }, 300_000);
});

describe('the man page and the completions, from the command table --help uses', () => {
  it('name every subcommand and every flag', async () => {
    const commands = await commandTable();
    const man = manPage(commands, 'test');
    const bash = bashCompletion(commands);
    const zsh = zshCompletion(commands);
    expect(commands.length).toBeGreaterThan(15);
    for (const cmd of commands) {
      if (cmd.name !== 'console') {
        expect(man).toContain(`.SS opsconsole ${cmd.name.replace(/-/g, '\\-')}`);
        expect(bash).toMatch(new RegExp(`\\n    ${cmd.name}\\) flags=`));
        expect(zsh).toContain(`'${cmd.name}:`);
      }
      for (const flag of Object.keys(cmd.options)) {
        expect(man).toContain(`\\-\\-${flag.replace(/-/g, '\\-')}`);
        expect(bash).toContain(`--${flag}`);
        expect(zsh).toContain(`--${flag}`);
      }
    }
  });

  it('completes subcommands and flags in a real bash, and incident ids from the state directory', () => {
    const state = mkdtempSync(join(tmpdir(), 'oc-compl-'));
    mkdirSync(join(state, 'incidents'));
    writeFileSync(join(state, 'incidents', 'inc-20261122-010203-abcd.jsonl'), '');
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `opsconsole() { "${join(root, 'bin', 'opsconsole')}" "$@"; }; source <("${join(root, 'bin', 'opsconsole')}" completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _opsconsole; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8', env: { ...process.env, OPSCONSOLE_STATE_DIR: state, XDG_CONFIG_HOME: state } },
      ).trim();
    expect(complete(['opsconsole', 'ser'])).toBe('serve');
    expect(complete(['opsconsole', 'rollout', '--to'])).toBe('--to-revision');
    expect(complete(['opsconsole', 'export', 'inc-'])).toBe('inc-20261122-010203-abcd');
  });
});
