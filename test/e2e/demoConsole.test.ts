import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoControlSocket } from '../../src/demo/fleet';
import { processesWithEnv, waitUntil } from '../helpers/processes';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const BIN = join(process.cwd(), 'bin', 'opsconsole');

function startDemo(args: string[], size = { columns: 80, rows: 24 }) {
  const stateDir = mkdtempSync(join(tmpdir(), 'oc-e2e-'));
  const t = new PtyTerminal(BIN, ['demo', ...args], { ...size, env: { OPSCONSOLE_STATE_DIR: stateDir } });
  return { t, stateDir };
}

function ratioOf(screen: string, service: string): number | undefined {
  const m = new RegExp(`^◆?${service}\\s+(\\d+\\.\\d)%`, 'm').exec(screen);
  return m ? Number(m[1]) : undefined;
}

async function expectCleanExit(t: PtyTerminal, stateDir: string, code: number) {
  expect(await t.exited).toBe(code);
  expect(t.onAlternateScreen).toBe(false);
  expect(t.cursorShown).toBe(true);
  await waitUntil(() => processesWithEnv(stateDir).length === 0, 10_000, 'the demo fleet to stop');
  expect(existsSync(demoControlSocket(stateDir))).toBe(false);
}

describe('opsconsole demo in a real terminal', () => {
  it('shows the fleet, the bad deploy crossing the 5% line, a rollback bringing it down, and quits cleanly', async () => {
    const { t, stateDir } = startDemo(['--deploy-after', '1s', '--rps', '60']);
    const first = await t.waitFor(/worker\s+running/);
    expect(t.onAlternateScreen).toBe(true);
    expect(first.split('\n')).toHaveLength(24);
    await t.waitFor(/api\s+running\s+healthy\s+v1\.5\.0/, 15_000);
    // The 1m ratio includes the healthy first second, so the bad release needs a few seconds to cross 5%.
    await t.waitFor((s) => (ratioOf(s, 'api') ?? 0) > 5, 45_000);
    const rollback = new PtyTerminal(BIN, ['demo', 'rollback', 'api'], {
      env: { OPSCONSOLE_STATE_DIR: stateDir },
    });
    expect(await rollback.exited).toBe(0);
    expect(rollback.text()).toContain('api: rolled back v1.5.0 -> v1.4.2');
    await t.waitFor(/api\s+running\s+\S+\s+v1\.4\.2/, 15_000);
    // The header's account of the bad release now says it is no longer what runs.
    await t.waitFor(/api v1\.5\.0 at \d\d:\d\d:\d\d, replaced by v1\./);
    await t.waitFor((s) => (ratioOf(s, 'api') ?? 100) < 5, 45_000);
    t.press('?');
    await t.waitFor(/Keys in the dashboard view \(\? or Esc closes\)/);
    t.press(KEYS.escape);
    await t.waitFor((s) => !s.includes('(? or Esc closes)'));
    t.press('q');
    await expectCleanExit(t, stateDir, 0);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('restores the terminal and stops the fleet on %s', async (signal, code) => {
    const { t, stateDir } = startDemo(['--deploy-after', 'never']);
    await t.waitFor(/worker\s+running/);
    t.kill(signal);
    await expectCleanExit(t, stateDir, code);
  });

  it('quits on Ctrl-C like q', async () => {
    const { t, stateDir } = startDemo(['--deploy-after', 'never']);
    await t.waitFor(/worker\s+running/);
    t.press(KEYS.ctrlC);
    await expectCleanExit(t, stateDir, 0);
  });

  it('redraws without garbage when the terminal is resized, never taller than it', async () => {
    const { t, stateDir } = startDemo(['--deploy-after', 'never'], { columns: 132, rows: 40 });
    await t.waitFor(/Containers.*Error rates/);
    t.resize(80, 24);
    await t.waitFor(
      (s) => s.split('\n').some((l) => /^ {2}1 Containers/.test(l)) && !/Containers.*Error rates/.test(s),
    );
    const screen = t.screen();
    expect(screen).toHaveLength(24);
    expect(screen[0]).toMatch(/^opsconsole · demo/);
    expect(screen[23]).toMatch(/\? help/);
    t.press('q');
    await expectCleanExit(t, stateDir, 0);
  });
});

describe('opsconsole without a terminal', () => {
  it('refuses the console with a clear message and exit 2 when output is piped', async () => {
    const { execFile } = await import('node:child_process');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(BIN, ['demo'], { env: { ...process.env } }, (err, _out, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs an interactive terminal');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
