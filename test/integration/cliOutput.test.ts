import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runShell } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'oc-output-'));
const stateDir = join(dir, 'state');
const env = { OPSCONSOLE_STATE_DIR: stateDir };

/** 398 matching lines of ~300 bytes among others: well over a pipe's 64 KiB buffer. */
const logFile = join(dir, 'app.log');
const lines: string[] = [];
let matching = 0;
for (let i = 0; i < 1200; i++) {
  const hit = i % 3 === 0 && matching < 398;
  if (hit) matching++;
  lines.push(
    JSON.stringify({
      level: 'info',
      request_id: hit ? 'req-pipe-1' : `req-${i}`,
      msg: `m${i} ${'x'.repeat(250)}`,
    }),
  );
}
writeFileSync(logFile, `${lines.join('\n')}\n`);

describe('every subcommand delivers its whole output through a pipe', () => {
  it('a slow reader gets every matching line', async () => {
    const r = await runShell(`"$OC" logs --file ${logFile} --request-id req-pipe-1 | (sleep 1; wc -l)`, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Number(r.stdout.trim())).toBe(398);
  });

  it('the JSON output is complete and parses', async () => {
    const r = await runShell(`"$OC" logs --json --file ${logFile} | (sleep 1; cat)`, env);
    expect(r.code).toBe(0);
    const parsed = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(1200);
  });

  it('a reader that goes away (| head) ends the command quietly with status 0', async () => {
    const r = await runShell(
      `"$OC" logs --file ${logFile} | head -2 >/dev/null; echo "status=\${PIPESTATUS[0]}"`,
      env,
    );
    expect(r.stdout.trim()).toBe('status=0');
    expect(r.stderr).toBe('');
  });

  it('a follower stops when its reader goes away', async () => {
    const r = await runShell(
      `timeout 20 "$OC" logs --follow --file ${logFile} | head -1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`,
      env,
    );
    expect(r.stdout.trim()).toBe('status=0');
  });

  it('a write that fails says so with a non-zero exit (stdout on /dev/full)', async () => {
    const declared = await runCli(['incident', 'declare', '--title', 'disk full test', '--severity', 'P2'], {
      env,
    });
    expect(declared.code).toBe(0);
    for (const cmd of ['export', 'incident list --json', `logs --file ${logFile}`]) {
      const r = await runShell(`"$OC" ${cmd} > /dev/full`, env);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(/could not write to standard output: ENOSPC/);
      expect(r.stderr, cmd).not.toMatch(/\n\s+at /);
    }
  });
});

describe('a slip of the fingers is named with what was meant', () => {
  it('a mistyped subcommand or flag says "did you mean", with exit 2', async () => {
    const command = await runCli(['stauts', '--json'], { env });
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^opsconsole: unknown command "stauts"; did you mean "status"\?/);
    expect(command.stderr).toContain('fix: opsconsole status --json');
    const flag = await runCli(['status', '--jsn'], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^opsconsole status: unknown option --jsn; did you mean --json\?/);
    const verb = await runCli(['incident', 'delcare'], { env });
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/got "delcare"; did you mean "declare"\?/);
  });

  it('a missing --severity is said to be missing, not an empty value', async () => {
    const r = await runCli(['incident', 'declare', '--title', 'api down'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^opsconsole: --severity is required/);
    expect(r.stderr).not.toContain('got ""');
  });

  it('a --since after --until is refused with exit 2, not answered with nothing', async () => {
    const r = await runCli(['logs', '--cmd', 'true', '--since', '10m', '--until', '2026-11-21T03:12:00Z'], {
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^opsconsole: logs: --since \(\S+\) is after --until \(2026-11-21T03:12:00\.000Z\)/,
    );
    const stored = await runCli(['logs', '--stored', '--since', '1m', '--until', '5m'], { env });
    expect(stored.code).toBe(2);
    expect(stored.stderr).toMatch(/fix: swap them\n$/);
  });
});
