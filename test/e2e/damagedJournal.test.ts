import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/processes';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const BIN = join(process.cwd(), 'bin', 'opsconsole');

describe('the console over a damaged journal (real terminal)', () => {
  it('says where the chain breaks, refuses to record without ending, and changes nothing', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-damaged-e2e-'));
    const env = { ...process.env, OPSCONSOLE_STATE_DIR: stateDir };
    const id = execFileSync(BIN, ['incident', 'declare', '--title', 'db down', '--severity', 'P1'], { env })
      .toString()
      .trim();
    for (const n of ['a', 'b', 'c']) execFileSync(BIN, ['incident', 'note', id, n], { env });
    const path = join(stateDir, 'incidents', `${id}.jsonl`);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    writeFileSync(path, `${[...lines.slice(0, 2), 'garbage', ...lines.slice(2)].join('\n')}\n`);
    const before = readFileSync(path, 'utf8');

    const t = new PtyTerminal(BIN, ['demo', '--deploy-after', 'never'], {
      env: { OPSCONSOLE_STATE_DIR: stateDir },
    });
    await t.waitFor(/journal damaged at line 3/, 20_000);
    // The demo's control socket is private too.
    const socket = join(stateDir, 'demo.sock');
    await waitUntil(() => existsSync(socket), 20_000, 'the demo control socket');
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    t.press('n');
    await t.waitFor(/Note/);
    t.press('will not be recorded');
    t.press(KEYS.enter);
    await t.waitFor(/could not record the note: the journal of inc-[\w-]+ is damaged/);
    expect(t.exitCode).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(before);
    t.press('q');
    await t.waitFor(/Quit/);
    t.press('y');
    await t.exited;
  });
});
