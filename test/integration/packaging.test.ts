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
const VALID_ID = 'inc-20261122-010203-abcd';
/** Names a stranger could leave in the incidents directory: each would run, expand or split in a shell. */
const HOSTILE_NAMES = [
  '$(touch pwned1)',
  '`touch pwned2`',
  '$((1+1))',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, as a file name
  '${HOME}',
  '*',
  'a b',
  'new\nline',
  '-rf',
  "it's",
  'x;touch pwned3',
];

/** A state directory with VALID_ID and `names` as incident journals, and an empty working directory. */
function completionFixture(names: string[]): { state: string; cwd: string } {
  const state = mkdtempSync(join(tmpdir(), 'oc-compl-'));
  mkdirSync(join(state, 'incidents'));
  for (const name of [VALID_ID, ...names]) writeFileSync(join(state, 'incidents', `${name}.jsonl`), '');
  return { state, cwd: mkdtempSync(join(tmpdir(), 'oc-compl-cwd-')) };
}

const completionEnv = (state: string) => ({
  ...process.env,
  OPSCONSOLE_STATE_DIR: state,
  XDG_CONFIG_HOME: state,
});
/** Shell-quotes one word for the test's own scripts. */
const q = (w: string) => `'${w.replaceAll("'", "'\\''")}'`;
const opsconsoleFn = `opsconsole() { ${q(join(root, 'bin', 'opsconsole'))} "$@"; }`;

/** `opsconsole completion SHELL`, as the built CLI prints it, saved once to a file to source. */
const completionScript = (() => {
  const saved = new Map<string, string>();
  return (shell: 'bash' | 'zsh') => {
    let file = saved.get(shell);
    if (!file) {
      file = join(mkdtempSync(join(tmpdir(), 'oc-compl-script-')), shell);
      writeFileSync(file, execFileSync(join(root, 'bin', 'opsconsole'), ['completion', shell]));
      saved.set(shell, file);
    }
    return file;
  };
})();

/** Splits what the shell printed: per command line the words offered (NUL after each), then RS. */
const offeredPerLine = (out: string) =>
  out
    .split('\x1e')
    .slice(0, -1)
    .map((words) => words.split('\0').filter((w) => w !== ''));

/** What bash's completion offers for each command line (its last word is the one being typed). */
function completeInBash(state: string, cwd: string, lines: string[][]): string[][] {
  const script = [
    opsconsoleFn,
    `source ${q(completionScript('bash'))}`,
    ...lines.map(
      (words) =>
        `COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; _opsconsole; printf '%s\\0' "\${COMPREPLY[@]}"; printf '\\036'`,
    ),
  ].join('\n');
  return offeredPerLine(
    execFileSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: completionEnv(state) }),
  );
}

/**
 * What zsh's completion offers for each command line: compinit loaded, the generated function
 * sourced, and compadd, _describe and _files replaced by stubs that collect the words they are given.
 */
function completeInZsh(state: string, cwd: string, lines: string[][]): string[][] {
  const script = [
    'autoload -Uz compinit && compinit -u -D',
    opsconsoleFn,
    `source ${q(completionScript('zsh'))}`,
    'compadd() { while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; offered+=("$@"); }',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh syntax
    '_describe() { offered+=("${(@P)2}"); }',
    "_files() { offered+=('<files>'); }",
    ...lines.map(
      (words) =>
        `offered=(); words=(${words.map(q).join(' ')}); CURRENT=${words.length}; _opsconsole; print -rn -- "\${(pj:\\0:)offered}"; printf '\\036'`,
    ),
  ].join('\n');
  return offeredPerLine(
    execFileSync('zsh', ['-fc', script], { cwd, encoding: 'utf8', env: completionEnv(state) }),
  );
}

const dist = join(root, 'dist');
const exeName = 'opsconsole-linux-x64';
/** Nothing of this machine's environment: no PATH, no HOME, no Node. */
const nothing = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));
const run = promisify(execFile);

describe('the single executable (npm run dist), on a machine with no Node at all', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'dist'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }, 600_000);

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
    const { state, cwd } = completionFixture([]);
    expect(
      completeInBash(state, cwd, [
        ['opsconsole', 'ser'],
        ['opsconsole', 'rollout', '--to'],
        ['opsconsole', 'export', 'inc-'],
      ]),
    ).toEqual([['serve'], ['--to-revision'], [VALID_ID]]);
  }, 120_000);

  it('offers incident file names to bash as data: nothing in them runs or expands, only ids are offered', () => {
    const { state, cwd } = completionFixture(HOSTILE_NAMES);
    expect(
      completeInBash(state, cwd, [
        ['opsconsole', 'export', ''],
        ['opsconsole', 'incident', 'note', ''],
        ['opsconsole', 'export', '$('],
        ['opsconsole', 'export', '*'],
      ]),
    ).toEqual([[VALID_ID], [VALID_ID], [], []]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);

  it('offers incident file names to zsh as data: nothing in them runs or expands, only ids are offered', () => {
    const { state, cwd } = completionFixture(HOSTILE_NAMES);
    const [exported, noted, flags] = completeInZsh(state, cwd, [
      ['opsconsole', 'export', ''],
      ['opsconsole', 'incident', 'note', ''],
      ['opsconsole', 'rollout', '--to'],
    ]);
    expect([exported, noted]).toEqual([[VALID_ID], [VALID_ID]]);
    expect(flags).toContain('--to-revision');
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);
});

describe('the launcher while dist/ is rebuilt', () => {
  it('runs at every moment of a build (the build swaps its files in whole, the entry last)', async () => {
    const launcher = join(root, 'bin', 'opsconsole');
    const failures: string[] = [];
    let runs = 0;
    let building = true;
    const builds = (async () => {
      try {
        for (let i = 0; i < 3; i++) await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
      } finally {
        building = false;
      }
    })();
    while (building) {
      runs++;
      try {
        const r = await run(launcher, ['--version'], { cwd: root });
        if (!/^opsconsole \d/.test(r.stdout)) failures.push(r.stdout);
      } catch (err) {
        failures.push(String((err as { stderr?: string }).stderr ?? err).slice(0, 300));
      }
    }
    await builds;
    expect(runs).toBeGreaterThan(3);
    expect(failures).toEqual([]);
  }, 300_000);
});
