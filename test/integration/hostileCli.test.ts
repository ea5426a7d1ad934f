import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CliResult, runCli, runShell } from '../helpers/cli';

/**
 * Every subcommand driven with hostile arguments, files and configs. Whatever it is given, it must
 * exit with a documented code (0, 1, 2), never print a stack trace, never let a control sequence
 * reach stdout, stderr or a file it writes, and write nothing outside the state dir and --out.
 */

const ESCAPES = [
  '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007', // OSC 52: write the clipboard
  '\u001b[2J\u001b[H', // clear the screen
  '\u001b]0;pwned\u0007', // set the title
  '\u009b31m', // 8-bit CSI
  '\u009d8;;http://evil\u009c', // 8-bit OSC hyperlink
  '\u202e', // right-to-left override
  '\r', // carriage return: overwrite the line
  '\b\b\b', // backspaces
  '\u001bP+q\u001b\\', // DCS request
  '\u0085\u2028', // NEL, line separator
];

/** A string an attacker would pick: escapes mixed into random text (never NUL: argv cannot hold it). */
const hostile = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...ESCAPES),
    fc.string({ unit: 'binary', maxLength: 12 }),
  )
  .map(([a, esc, b]) => `${a}${esc}${b}`.replaceAll('\u0000', ''))
  .filter((s) => s.trim() !== '' && !s.startsWith('-'));

/** Anything a terminal would act on: C0 except LF and TAB, DEL, C1, bidi controls. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const STACK = /\n\s+at .+:\d+:\d+/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

interface Workspace {
  root: string;
  inputs: string;
  out: string;
  env: Record<string, string>;
}

function workspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'oc-hostile-'));
  const inputs = join(root, 'in');
  const out = join(root, 'out');
  for (const d of [inputs, out, join(root, 'home')]) mkdirSync(d);
  return {
    root,
    inputs,
    out,
    env: {
      OPSCONSOLE_STATE_DIR: join(root, 'state'),
      HOME: join(root, 'home'),
      XDG_CONFIG_HOME: join(root, 'home', '.config'),
      XDG_STATE_HOME: join(root, 'home', '.state'),
    },
  };
}

/** The checks every run must pass. */
function expectContained(ws: Workspace, r: CliResult, what: string): void {
  expect([0, 1, 2], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(STACK);
  expect(r.stderr, what).not.toMatch(/internal error/);
  expect(ACTIVE.test(r.stdout), `${what}: stdout ${JSON.stringify(r.stdout.slice(0, 300))}`).toBe(false);
  expect(ACTIVE.test(r.stderr), `${what}: stderr ${JSON.stringify(r.stderr.slice(0, 300))}`).toBe(false);
  for (const f of filesUnder(ws.root)) {
    const where = relative(ws.root, f);
    expect(/^(in|out|state)\//.test(where), `${what}: wrote ${where}`).toBe(true);
    if (!where.startsWith('in/') && !where.endsWith('.jsonl') && !where.endsWith('.head'))
      expect(ACTIVE.test(readFileSync(f, 'utf8')), `${what}: ${where}`).toBe(false);
  }
}

const RUNS = { numRuns: 6 };

/** One word for a bash script, single-quoted. */
const shellQuote = (w: string) => `'${w.replaceAll("'", "'\\''")}'`;
/** A YAML double-quoted string of any text (everything outside printable ASCII escaped). */
const yamlString = (s: string) =>
  JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('hostile input to every subcommand', () => {
  it('logs: hostile file names, contents and filters', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (name, content, filter) => {
        const ws = workspace();
        const file = join(ws.inputs, name.replaceAll('/', '_').slice(0, 100));
        writeFileSync(
          file,
          `${content}\n{"level":"error","msg":${JSON.stringify(content)},"request_id":"r1"}\n`,
        );
        const other = join(ws.inputs, 'plain.log');
        writeFileSync(other, `plain ${content}\n`);
        for (const args of [
          ['logs', '--file', file, '--file', other],
          ['logs', '--json', '--file', file],
          ['logs', '--file', file, '--grep', filter],
          ['logs', '--file', file, '--request-id', filter],
          ['logs', '--file', file, '--level', filter],
          ['logs', '--file', join(ws.inputs, filter.replaceAll('/', '_'))],
          ['logs', '--cmd', filter],
          ['logs', '--cmd', `[${JSON.stringify(filter)},`],
          ['logs', '--since', filter, '--file', file],
        ]) {
          const r = await runCli(args, { env: ws.env, cwd: ws.root });
          expectContained(ws, r, args.join(' '));
        }
      }),
      RUNS,
    );
  }, 300_000); // dozens of CLI starts (each a Node start): minutes on a loaded machine

  it('incident and export: hostile titles, notes, roles, statuses and ids', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (title, note, role) => {
        const ws = workspace();
        const declared = await runCli(['incident', 'declare', '--title', title, '--severity', 'P2'], {
          env: ws.env,
          cwd: ws.root,
        });
        expectContained(ws, declared, 'declare');
        const id = declared.stdout.trim();
        for (const args of [
          ['incident', 'declare', '--title', title, '--severity', note],
          ['incident', 'note', id, note, '--at', role],
          ['incident', 'note', id, note],
          ['incident', 'role', id, role, note],
          ['incident', 'status', id, role],
          ['incident', 'severity', id, role],
          ['incident', 'note', role, note],
          ['incident', role],
          ['incident', 'list'],
          ['incident', 'list', '--json'],
          ['incident', 'repair', role],
          ['export'],
          ['export', '--format', 'json'],
          ['export', '--format', role],
          ['export', role],
          ['export', '--out', join(ws.out, 'pm.md')],
          ['export', '--out', join(ws.out, role.replaceAll('/', '_'), 'x.md')],
          ['export', '--out', ws.out],
        ]) {
          const r = await runCli(args, { env: ws.env, cwd: ws.root });
          expectContained(ws, r, args.join(' '));
        }
        const json = await runCli(['incident', 'list', '--json'], { env: ws.env, cwd: ws.root });
        expect(JSON.parse(json.stdout)[0].title).toBe(title);
      }),
      RUNS,
    );
  }, 300_000); // dozens of CLI starts (each a Node start): minutes on a loaded machine

  it('check, status and import: hostile configs, playbooks and runbooks', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (key, value) => {
        const ws = workspace();
        const config = join(ws.inputs, 'config.yaml');
        writeFileSync(
          config,
          `environments:\n  prod:\n    services:\n      api:\n        ${JSON.stringify(key)}: ${JSON.stringify(value)}\n`,
        );
        const playbook = join(ws.inputs, 'pb.yaml');
        writeFileSync(
          playbook,
          `id: x\ntitle: ${JSON.stringify(value)}\nstart: a\nnodes:\n  ${JSON.stringify(key)}: {outcome: y}\n`,
        );
        const runbook = join(ws.inputs, `${key.replaceAll('/', '_').slice(0, 60)}.md`);
        writeFileSync(
          runbook,
          `# ${value}\n\n## ${key}\n\n- [ ] ${value}\r${key}\n\n\`\`\`sh\necho ${JSON.stringify(value)}\n\`\`\`\n`,
        );
        const bomb = join(ws.inputs, 'bomb.yaml');
        writeFileSync(
          bomb,
          [
            'a: &a [x,x,x,x,x,x,x,x,x]',
            ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${`*${'abcdefgh'[i]},`.repeat(9)}]`),
          ].join('\n'),
        );
        for (const args of [
          ['check', '--config', config],
          ['check', playbook],
          ['check', '--config', bomb],
          ['status', '--config', config, '--sample', '10ms'],
          ['status', '--config', join(ws.inputs, key.replaceAll('/', '_'))],
          ['import', runbook],
          ['import', runbook, '--out', join(ws.out, 'imported.yaml')],
          ['import', join(ws.inputs, value.replaceAll('/', '_'))],
          ['trust-host', key],
          [key],
          [`--${key.replace(/^-+/, '')}`],
        ]) {
          const r = await runCli(args, { env: ws.env, cwd: ws.root });
          expectContained(ws, r, args.join(' '));
        }
      }),
      RUNS,
    );
  }, 300_000); // dozens of CLI starts (each a Node start): minutes on a loaded machine

  it('completion, import and check --scenarios: hostile incident file names, runbooks and scenario files', async () => {
    const shellWords = fc.constantFrom(
      '$(touch pwned)',
      '`touch pwned`',
      '$((1+1))',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, as a file name
      '${HOME}',
      '*',
      ' ',
      '\n',
      "'",
    );
    await fc.assert(
      fc.asyncProperty(hostile, hostile, shellWords, async (name, text, shellWord) => {
        const ws = workspace();
        const incidents = join(ws.env.OPSCONSOLE_STATE_DIR as string, 'incidents');
        mkdirSync(incidents, { recursive: true });
        const valid = 'inc-20261122-010203-abcd';
        for (const n of [valid, `${shellWord}${name}`.replaceAll('/', '_').slice(0, 200)])
          writeFileSync(join(incidents, `${n}.jsonl`), '');
        // The list the completions read holds incident ids only, and bash runs nothing it holds.
        const list = await runCli(['completion', '--list', 'incidents'], { env: ws.env, cwd: ws.root });
        expectContained(ws, list, 'completion --list incidents');
        expect(list.stdout).toBe(`${valid}\n`);
        // One bash completes three command lines: export, incident note, and export of the shell word.
        const complete = (words: string) =>
          `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _opsconsole; printf '%s\\n' "\${COMPREPLY[@]}" ---`;
        const bash = await runShell(
          [
            'opsconsole() { "$OC" "$@"; }; source <("$OC" completion bash)',
            complete("opsconsole export ''"),
            complete("opsconsole incident note ''"),
            complete(`opsconsole export ${shellQuote(shellWord)}`),
          ].join('\n'),
          ws.env,
          ws.root,
        );
        expectContained(ws, bash, 'bash completion');
        expect(bash.stdout).toBe(`${valid}\n---\n${valid}\n---\n---\n`);

        // import: the hostile text in a title, an item, a script inside a longer fence, an unclosed
        // fence (on one line each: CR and LF end Markdown lines).
        const [line, other] = [text, name].map((s) => s.replace(/[\r\n]/g, ' '));
        const runbook = join(ws.inputs, 'runbook.md');
        const script = `echo ${line}\n\`\`\`\necho ${other}`;
        writeFileSync(
          runbook,
          `\uFEFF# ${line}\n\n## ${other}\n\n- [ ] ${line}\n\n\`\`\`\`sh\n${script}\n\`\`\`\`\n\n\`\`\`sh\necho ${line}\n`,
        );
        const out = join(ws.out, 'imported.yaml');
        for (const args of [
          ['import', runbook],
          ['import', runbook, '--out', out],
        ]) {
          const r = await runCli(args, { env: ws.env, cwd: ws.root });
          expectContained(ws, r, args.join(' '));
          expect(r.code, r.stderr).toBe(0);
        }
        const imported = parse(readFileSync(out, 'utf8')) as { nodes: Record<string, { shell?: string }> };
        const shells = Object.values(imported.nodes).flatMap((n) => (n.shell === undefined ? [] : [n.shell]));
        expect(shells).toEqual([script, `echo ${line}`]);
        const check = await runCli(['check', out], { env: ws.env, cwd: ws.root });
        expectContained(ws, check, 'check of the import');
        expect(check.code, check.stderr).toBe(0);

        // check --scenarios: hostile names where the case names nodes.
        const scenario = join(ws.inputs, 'scenario.yaml');
        writeFileSync(
          scenario,
          `playbook: triage\ncases:\n  - name: ${yamlString(text)}\n    facts: {}\n    answers: { ${yamlString(name)}: "yes" }\n    expect: ${yamlString(text)}\n`,
        );
        const scenarios = await runCli(['check', '--scenarios', scenario], { env: ws.env, cwd: ws.root });
        expectContained(ws, scenarios, 'check --scenarios');
        expect(scenarios.code).toBe(2);
        expect(scenarios.stderr).toMatch(/scenario\.yaml:5:\d+[\s\S]*is not a node of playbook "triage"/);
      }),
      RUNS,
    );
  }, 600_000); // 6 runs of 9 CLI starts and two shells: minutes on a loaded machine
});
