import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli';

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
  });

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
  });

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
  });
});
