import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { Journal, readJournal } from '../../src/incident/journal';
import { parseJournal } from '../../src/incident/journalChain';
import { runCli, runShell } from '../helpers/cli';

/** A fresh journal of `n` notes; returns its path and lines. */
function journalOf(n: number): { path: string; lines: string[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'oc-integrity-')), 'inc.jsonl');
  const j = new Journal(path, 'op@test');
  for (let i = 1; i <= n; i++) j.append('note', { text: `note ${i}` });
  return { path, lines: readFileSync(path, 'utf8').trimEnd().split('\n') };
}

const write = (path: string, lines: string[]) => writeFileSync(path, `${lines.join('\n')}\n`);
const edit = (line: string) => line.replace(/note (\d+)/, 'note $1 (edited)');

/** Every way of changing a journal after the fact that the chain (and its head) must reveal. */
const TAMPERS: Record<string, (lines: string[]) => string[]> = {
  'edit a middle record': (l) => l.map((x, i) => (i === 2 ? edit(x) : x)),
  'edit the first record': (l) => l.map((x, i) => (i === 0 ? edit(x) : x)),
  'edit the last record': (l) => l.map((x, i) => (i === l.length - 1 ? edit(x) : x)),
  'delete a middle record': (l) => l.filter((_, i) => i !== 2),
  'delete the first record': (l) => l.slice(1),
  'delete the last record': (l) => l.slice(0, -1),
  'insert a copy of a record': (l) => [...l.slice(0, 3), l[1] as string, ...l.slice(3)],
  'swap two records': (l) => [l[0], l[2], l[1], ...l.slice(3)] as string[],
  'garbage line in the middle': (l) => [...l.slice(0, 2), 'garbage', ...l.slice(2)],
  'empty line in the middle': (l) => [...l.slice(0, 2), '', ...l.slice(2)],
  'valid JSON that is not a record': (l) => [...l.slice(0, 2), '{"hello":1}', ...l.slice(2)],
  'change a payload and recompute nothing': (l) =>
    l.map((x, i) => (i === 3 ? x.replace('"actor":"op@test"', '"actor":"mallory@test"') : x)),
};

describe('the journal verifies its hash chain on every read', () => {
  const results: Record<string, boolean> = {};
  for (const [name, tamper] of Object.entries(TAMPERS)) {
    it(`detects: ${name}`, () => {
      const { path, lines } = journalOf(6);
      write(path, tamper(lines));
      const { damage } = readJournal(path);
      results[name] = damage !== undefined;
      expect(damage, name).toBeDefined();
      expect(damage?.line).toBeGreaterThan(0);
    });
  }

  it('an untouched journal verifies', () => {
    const { path } = journalOf(6);
    expect(readJournal(path).damage).toBeUndefined();
  });

  it(`reports the tally (${Object.keys(TAMPERS).length} tamper cases)`, () => {
    const detected = Object.values(results).filter(Boolean).length;
    console.log(`tamper cases detected: ${detected} of ${Object.keys(TAMPERS).length}`);
    expect(detected).toBe(Object.keys(TAMPERS).length);
  });
});

describe('a bad record in the middle never costs a good one', () => {
  it('refuses to append, changes nothing, and repair keeps every record and the bad line', () => {
    const { path, lines } = journalOf(8);
    const damaged = [...lines.slice(0, 3), 'not json at all', ...lines.slice(3)];
    write(path, damaged);
    const before = readFileSync(path, 'utf8');
    expect(() => new Journal(path, 'x@y').append('note', { text: 'later' })).toThrow(/damaged at line 4/);
    expect(readFileSync(path, 'utf8')).toBe(before);

    const result = new Journal(path, 'x@y').repair();
    expect(readFileSync(result.keptAt, 'utf8')).toBe(before);
    const repaired = parseJournal(readFileSync(path, 'utf8'));
    expect(repaired.damage).toBeUndefined();
    const texts = repaired.records.filter((r) => r.kind === 'note').map((r) => r.payload.text);
    expect(texts).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `note ${i}`));
    const recovered = repaired.records.at(-1);
    expect(recovered?.kind).toBe('journal.recovered');
    expect(recovered?.payload.unreadable).toEqual([{ line: 4, text: 'not json at all' }]);
    const lost = lines.filter(
      (l) => !repaired.records.some((r) => r.payload.text === JSON.parse(l).payload.text),
    );
    console.log(`records lost in the corrupt-middle case: ${lost.length}`);
    expect(lost).toHaveLength(0);
    // Appending works again and chains on.
    new Journal(path, 'x@y').append('note', { text: 'after repair' });
    expect(readJournal(path).damage).toBeUndefined();
  });

  it('only a final line without a newline counts as torn', () => {
    const { path, lines } = journalOf(4);
    write(path, [...lines, '{"seq":5,"broken":']);
    expect(() => new Journal(path, 'x@y').append('note', { text: 'x' })).toThrow(/damaged/);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(5);
  });

  it('the CLI says which record breaks the chain (list, export, the draft) and repair fixes it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-cli-integrity-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const id = (
      await runCli(['incident', 'declare', '--title', 'chain', '--severity', 'P2'], { env })
    ).stdout.trim();
    for (const t of ['a', 'b', 'c']) await runCli(['incident', 'note', id, t], { env });
    const path = join(stateDir, 'incidents', `${id}.jsonl`);
    write(path, TAMPERS['delete a middle record']?.(readFileSync(path, 'utf8').trimEnd().split('\n')) ?? []);
    const list = await runCli(['incident', 'list'], { env });
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(/DAMAGED journal, line 3 \(record #4\)/);
    expect(list.stdout).toContain(`opsconsole incident repair ${id}`);
    const json = await runCli(['incident', 'list', '--json'], { env });
    expect(JSON.parse(json.stdout)[0].damage).toMatch(/record #4/);
    const draft = await runCli(['export', id], { env });
    expect(draft.stdout).toMatch(/hash chain is broken\*\* at line 3 \(record #4\)/);
    expect(draft.stderr).toMatch(/damaged at line 3/);
    const note = await runCli(['incident', 'note', id, 'refused'], { env });
    expect(note.code).toBe(1);
    expect(note.stderr).toMatch(/nothing was recorded/);
    expect(note.stderr).not.toMatch(/\n\s+at /);
    const repair = await runCli(['incident', 'repair', id], { env });
    expect(repair.code).toBe(0);
    expect((await runCli(['incident', 'list'], { env })).code).toBe(0);
    expect((await runCli(['incident', 'note', id, 'accepted'], { env })).code).toBe(0);
  });
});

describe('journals are opened safely', () => {
  it('never follows a symlink: the link target is untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-symlink-'));
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'do not touch\n');
    mkdirSync(join(dir, 'incidents'));
    symlinkSync(target, join(dir, 'incidents', 'inc-1.jsonl'));
    const repo = new IncidentRepository(dir, 'op@test');
    expect(() => repo.open('inc-1').append('note', { text: 'x' })).toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('do not touch\n');
    expect(repo.scan().unreadable[0]?.reason).toMatch(/symbolic link/);
  });

  it('a journal that is a directory or unreadable is reported, and the others still list', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-dirjournal-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const good = (
      await runCli(['incident', 'declare', '--title', 'ok', '--severity', 'P3'], { env })
    ).stdout.trim();
    mkdirSync(join(stateDir, 'incidents', 'inc-bad.jsonl'));
    const r = await runCli(['incident', 'list'], { env });
    expect(r.stdout).toContain(good);
    expect(r.stderr).toMatch(/inc-bad: cannot be read: .*not a regular file|directory/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
  });

  it('a lock held by a live process ends in a clear error naming it, after a bounded wait', async () => {
    const { path } = journalOf(1);
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(`${path}.lock`, `${sleeper.pid}@${hostname()}`);
      const j = new Journal(path, 'x@y', 200);
      expect(() => j.append('note', { text: 'x' })).toThrow(new RegExp(`locked by process ${sleeper.pid}@`));
      expect(readJournal(path).records).toHaveLength(1);
    } finally {
      sleeper.kill();
    }
  });
});

describe('incident data is private whatever the umask', () => {
  it('state dir, journals, heads and exports: 0700 directories, 0600 files under umask 022', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'oc-modes-')), 'state');
    const out = join(mkdtempSync(join(tmpdir(), 'oc-modes-out-')), 'pm.md');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o600);
    const r = await runShell(
      `umask 022; id=$("$OC" incident declare --title modes --severity P2) && "$OC" incident note "$id" hello >/dev/null && "$OC" export "$id" --out ${out} 2>/dev/null`,
      { OPSCONSOLE_STATE_DIR: stateDir },
    );
    expect(r.code).toBe(0);
    const mode = (p: string) => statSync(p).mode & 0o777;
    const modes: Record<string, string> = {};
    const walk = (p: string) => {
      modes[p.slice(stateDir.length) || '/'] = mode(p).toString(8);
      if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    };
    walk(stateDir);
    console.log(
      `modes under umask 022: ${JSON.stringify(modes)}; export --out over a 0600 file: ${mode(out).toString(8)}`,
    );
    for (const [p, m] of Object.entries(modes)) {
      const isDir = statSync(join(stateDir, p)).isDirectory();
      expect(m, p).toBe(isDir ? '700' : '600');
    }
    expect(mode(out)).toBe(0o600);
    expect(existsSync(join(stateDir, 'incidents'))).toBe(true);
  });

  it('an export over a stricter file keeps the stricter mode', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-strict-'));
    const out = join(stateDir, 'pm.md');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o400);
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    await runCli(['incident', 'declare', '--title', 'strict', '--severity', 'P2'], { env });
    const r = await runCli(['export', '--out', out], { env });
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o400);
  });
});
