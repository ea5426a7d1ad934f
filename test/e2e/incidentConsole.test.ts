import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/incident/journalChain';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const BIN = join(process.cwd(), 'bin', 'opsconsole');

describe('incident timeline in the console (real terminal)', () => {
  it('declares by keys, records notes and pins, survives SIGHUP, resumes, and exports', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-inc-e2e-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const t = new PtyTerminal(BIN, ['demo', '--deploy-after', '1s'], { env });
    await t.waitFor(/api\s+running\s+\S+\s+v1\.5\.0/, 20_000);
    t.press('D');
    await t.waitFor(/Incident title/);
    // A rule that fired by now prefills the title: the operator's own words replace it.
    t.press(KEYS.ctrlU);
    // A key at a time: sent with the text in one write, Ctrl-U would arrive as part of a paste.
    await t.waitFor(/║ > █ +║/);
    t.press('api errors after v1.5.0');
    await t.waitFor(/> api errors after v1\.5\.0/);
    t.press(KEYS.enter);
    await t.waitFor(/P1 {2}High/);
    t.press('1');
    await t.waitFor(/P1 INVESTIGATING/);
    t.press('n');
    await t.waitFor(/Note/);
    t.press('checking the api release');
    t.press(KEYS.enter);
    await t.waitFor(/note recorded/);
    t.press('f');
    t.press('p');
    await t.waitFor(/pinned a line of \w+/);
    t.press('t');
    await t.waitFor(/Timeline inc-/);
    const screen = await t.waitFor(/Note: checking the api release/);
    // The release happened before the declaration and is on the timeline with its own time.
    expect(screen).toMatch(/api v1\.4\.2 → v1\.5\.0 \(scheduled deploy\)/);
    expect(screen).toMatch(/Pinned log line from/);

    const [file] = readdirSync(join(stateDir, 'incidents')).filter((f) => f.endsWith('.jsonl'));
    const id = (file as string).replace('.jsonl', '');
    // Another SSH session adds to the same incident while the console records it.
    execFileSync(BIN, ['incident', 'note', id, 'from', 'another', 'session'], {
      env: { ...process.env, ...env },
    });
    await t.waitFor(/Note: from another session/, 10_000);

    t.kill('SIGHUP');
    expect(await t.exited).toBe(129);
    expect(t.onAlternateScreen).toBe(false);

    const again = new PtyTerminal(BIN, ['demo', '--deploy-after', 'never'], { env });
    await again.waitFor(new RegExp(`resumed ${id} \\(P1, investigating\\)`));
    again.press('t');
    await again.waitFor(/Note: from another session/);
    again.press('S');
    await again.waitFor(/4 {2}resolved/);
    again.press('4');
    await again.waitFor(/P1 RESOLVED/);
    again.press('e');
    await again.waitFor(/post-mortem draft written to/);
    again.press('q');
    expect(await again.exited).toBe(0);

    const text = readFileSync(join(stateDir, 'incidents', file as string), 'utf8');
    const { records, tornBytes } = parseJournal(text);
    expect(tornBytes).toBe(0);
    expect(parseJournal(text).damage).toBeUndefined();
    expect(records.map((r) => r.kind)).toEqual(
      expect.arrayContaining([
        'incident.declared',
        'release',
        'note',
        'log.pinned',
        'incident.status',
        'export.written',
      ]),
    );
    const md = readFileSync(join(stateDir, 'exports', `${id}.md`), 'utf8');
    expect(md).toContain('# Post-mortem: api errors after v1.5.0');
    expect(md).toContain('Note: checking the api release');
    expect(md).toContain('| Status | resolved |');
    expect(existsSync(join(stateDir, 'demo.sock'))).toBe(false);
  });
});
