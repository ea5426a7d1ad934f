import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashMessage } from '../../src/cli/crashReport';
import { runCli, runShell } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'oc-bad-'));
const env = { OPSCONSOLE_STATE_DIR: join(dir, 'state') };
const STACK = /\n\s+at .+:\d+:\d+|heap out of memory|FATAL ERROR/;

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const service = (extra: string) => `environments:\n  prod:\n    services:\n      api:\n${extra}`;

/** Each case: arguments, the exit code, and what the one message must say. */
const CASES: [string, () => string[], number, RegExp][] = [
  [
    'a 10 MB config',
    () => [
      'check',
      '--config',
      config('big.yaml', `# ${'x'.repeat(10_000_000)}\n${service('        logs: []\n')}`),
    ],
    2,
    /at most 1 MiB/,
  ],
  [
    'one 900 KB string',
    () => ['status', '--config', config('string.yaml', service(`        host: "${'h'.repeat(900_000)}"\n`))],
    2,
    /invalid config/,
  ],
  [
    'a long list',
    () => ['check', '--config', config('list.yaml', `environments: [${'1,'.repeat(300_000)}1]\n`)],
    2,
    /more than 50000 YAML tokens/,
  ],
  [
    'a YAML alias bomb',
    () => [
      'check',
      '--config',
      config(
        'bomb.yaml',
        [
          'a: &a [x,x,x,x,x,x,x,x,x]',
          ...'bcdefg'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
        ].join('\n'),
      ),
    ],
    2,
    /aliases expand too far/,
  ],
  ['--cmd that is not JSON', () => ['logs', '--cmd', '[1,'], 2, /not a valid JSON array[\s\S]*fix:/],
  ['--file that does not exist', () => ['logs', '--file', join(dir, 'nonexistent.log')], 2, /no such file/],
  ['--file that is a directory', () => ['logs', '--file', dir], 2, /is a directory/],
  ['trust-host with no host', () => ['trust-host', 'not a host'], 2, /expected user@host\[:port\]/],
  [
    'export --out into a missing directory',
    () => ['export', '--out', join(dir, 'missing', 'pm.md')],
    2,
    /does not exist[\s\S]*fix:/,
  ],
  ['export --out onto a directory', () => ['export', '--out', dir], 2, /is a directory[\s\S]*fix:/],
  // Special files: the 1 MiB limit holds while reading, whatever the file is (it once read /dev/zero to 10 GB).
  ['check /dev/zero', () => ['check', '/dev/zero'], 2, /\/dev\/zero: it holds more than 1 MiB[\s\S]*fix:/],
  [
    '--config /dev/zero',
    () => ['check', '--config', '/dev/zero'],
    2,
    /config \/dev\/zero: it holds more than 1 MiB/,
  ],
  ['status --config /dev/urandom', () => ['status', '--config', '/dev/urandom'], 2, /more than 1 MiB/],
  [
    'check --scenarios /dev/zero',
    () => ['check', '--scenarios', '/dev/zero'],
    2,
    /scenario file \/dev\/zero: it holds more than 1 MiB/,
  ],
  ['import /dev/zero', () => ['import', '/dev/zero'], 2, /runbook \/dev\/zero: it holds more than 1 MiB/],
  [
    'import /dev/urandom',
    () => ['import', '/dev/urandom'],
    2,
    /runbook \/dev\/urandom: it holds more than 1 MiB/,
  ],
  [
    'check on a FIFO nobody writes to',
    () => {
      const fifo = join(dir, 'silent-fifo');
      execFileSync('mkfifo', [fifo]);
      return ['check', fifo];
    },
    2,
    /silent-fifo: it did not deliver its end within 5 s[\s\S]*fix:/,
  ],
  ['import of a directory', () => ['import', dir], 2, /runbook .*: it is a directory/],
];

describe('bad input gets one clear message, the documented exit code, no stack and no temp file', () => {
  it('(an incident to export exists)', async () => {
    expect((await runCli(['incident', 'declare', '--title', 'x', '--severity', 'P3'], { env })).code).toBe(0);
  });
  for (const [name, args, code, message] of CASES) {
    it(name, async () => {
      const r = await runCli(args(), { env });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.code).toBe(code);
      const temps = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
      expect(temps).toEqual([]);
    });
  }

  it('logs --follow on a FIFO reads it to the end instead of failing', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const r = await runShell(
      `(printf 'one error\\ntwo\\n' > ${fifo}) & timeout 20 "$OC" logs --follow --file ${fifo}`,
      env,
    );
    expect(r.stdout).toBe('one error\ntwo\n');
    expect(r.code).toBe(0);
  });

  it('import reads a FIFO that is written to (the bound holds for it too)', async () => {
    const fifo = join(dir, 'runbook-fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await runShell(
      `(printf '# Failover\\n\\n- [ ] page the DBA\\n' > ${fifo}) & "$OC" import ${fifo}`,
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/title: Failover[\s\S]*- page the DBA/);
    expect(r.code).toBe(0);
  });

  it('an unexpected error leaves its stack in a private file and prints one line naming it', () => {
    const stateDir = join(dir, 'crash-state');
    const message = crashMessage(new TypeError('boom\u001b[2J'), stateDir);
    const [first, second] = message.split('\n');
    expect(first).toBe('opsconsole: internal error: boom');
    const file = /details: (\S+)/.exec(second ?? '')?.[1] as string;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir, 'crashes')).mode & 0o777).toBe(0o700);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('the console still starts when a journal path is a directory (state scan does not throw)', async () => {
    const stateDir = join(dir, 'dir-journal');
    mkdirSync(join(stateDir, 'incidents'), { recursive: true });
    mkdirSync(join(stateDir, 'incidents', 'inc-x.jsonl'));
    const { IncidentRepository } = await import('../../src/incident/incidentRepository');
    const repo = new IncidentRepository(stateDir, 'op@test');
    expect(repo.active()).toBeUndefined();
    expect(repo.scan().unreadable).toHaveLength(1);
  });
});
