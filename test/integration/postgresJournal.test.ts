import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_START, parseJournal } from '../../src/incident/journalChain';
import { connectionOptions } from '../../src/incident/postgres/connectionOptions';
import { PgIncidentStore } from '../../src/incident/postgres/pgIncidentStore';
import { journalThreadScript } from '../../src/projectRoot';
import { runCli } from '../helpers/cli';
import { TestPostgres } from '../helpers/postgres';

const pg = new TestPostgres();
const dir = mkdtempSync(join(tmpdir(), 'oc-pgjournal-'));
/** Two bastions: each its own state directory, one database. */
const bastion = (name: string) => ({ OPSCONSOLE_STATE_DIR: join(dir, name) });
let ownerConfig = '';
let consoleConfig = '';

function config(name: string, url: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `environments:\n  prod:\n    store: ${url}\n    services:\n      api: {}\n`);
  return path;
}

const cli = (where: string, args: string[], cfg = consoleConfig) =>
  runCli([...args, '--config', cfg], { env: bastion(where) });

/** The incident's rows as the database holds them, in seq order, verified as a JSONL file is. */
function rows(id: string): { text: string; lines: string[] } {
  const out = pg.psql(
    `select line from opsconsole_journal where incident = '${id}' order by seq`,
    pg.port,
    'ops',
  );
  const lines = out === '' ? [] : out.split('\n');
  return { text: lines.map((l) => `${l}\n`).join(''), lines };
}

beforeAll(async () => {
  await pg.start();
  ownerConfig = config('owner', pg.url('oc'));
  consoleConfig = config('console', pg.url('console'));
}, 120_000);
afterAll(() => pg.stop());

describe('incidents in PostgreSQL (a real server)', () => {
  it('store init makes the schema once; the console role may insert and read, never change', async () => {
    const before = await cli('a', ['store', 'status']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /schema version 0, this opsconsole needs 1\n {2}fix: opsconsole store init/,
    );
    const init = await cli('a', ['store', 'init', '--grant', 'console'], ownerConfig);
    expect(init.stdout).toMatch(/schema at version 1 \(applied 1\); console may select and insert/);
    expect((await cli('a', ['store', 'init'], ownerConfig)).stdout).toMatch(/\(already\)/);
    expect((await cli('a', ['check'])).stdout).toMatch(/ok: incident store of prod/);
    const bad = await cli('a', ['store', 'init', '--grant', 'x; drop table y'], ownerConfig);
    expect(bad.code).toBe(2);

    const declared = await cli('a', ['incident', 'declare', '--title', 'db', '--severity', 'P2']);
    const id = declared.stdout.trim();
    expect(id).toMatch(/^inc-/);
    // The role the console uses: no update, no delete, whatever it is asked.
    for (const sql of [
      'update opsconsole_journal set line = line',
      'delete from opsconsole_journal',
      'truncate opsconsole_journal',
    ]) {
      const r = await runCli(['incident', 'list', '--config', consoleConfig], { env: bastion('a') });
      expect(r.code).toBe(0);
      expect(() => pg.psql(`set role console; ${sql}`, pg.port, 'ops')).toThrow(/permission denied/);
    }
    // Not even the owner changes a record while the trigger stands.
    expect(() => pg.psql('update opsconsole_journal set line = line', pg.port, 'ops')).toThrow(/append-only/);
  });

  it('serializes appends from two bastions: every record once, one chain, seqs in order', async () => {
    const id = (await cli('a', ['incident', 'declare', '--title', 'busy', '--severity', 'P1'])).stdout.trim();
    const notes = Array.from({ length: 16 }, (_, i) => `${i % 2 ? 'b' : 'a'}-note-${i}`);
    const results = await Promise.all(
      notes.map((n, i) => cli(i % 2 ? 'b' : 'a', ['incident', 'note', id, n])),
    );
    expect(results.map((r) => r.code)).toEqual(notes.map(() => 0));
    const { text, lines } = rows(id);
    const parsed = parseJournal(text);
    expect(parsed.damage).toBeUndefined();
    expect(parsed.records.map((r) => r.seq)).toEqual(lines.map((_, i) => i + 1));
    const texts = parsed.records
      .filter((r) => r.kind === 'note')
      .map((r) => (r.payload as { text: string }).text);
    expect(texts.sort()).toEqual([...notes].sort());
    // Both bastions read the same incident, and export the same draft.
    const drafts = await Promise.all(['a', 'b'].map((w) => cli(w, ['export', id])));
    expect(drafts[0]?.stdout).toBe(drafts[1]?.stdout);
    for (const n of notes) expect(drafts[0]?.stdout).toContain(`Note: ${n}`);
  });

  it("two stores in one process, interleaved: each reads the other's records, neither sees damage", () => {
    const open = (b: string) =>
      new PgIncidentStore(
        join(dir, b),
        connectionOptions(pg.url('console')),
        journalThreadScript(),
        `${b}@test`,
      );
    const [a, b] = [open('a'), open('b')];
    try {
      const { id, journal: ja } = a.declare({ title: 'interleaved', severity: 'P3' });
      const jb = b.open(id);
      for (let i = 0; i < 5; i++) {
        ja.append('note', { text: `a ${i}` });
        jb.append('note', { text: `b ${i}` });
      }
      for (const store of [a, b]) {
        const read = store.readFrom(id, JOURNAL_START);
        expect(read.damage).toBeUndefined();
        expect(read.records.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
        expect(read.records.slice(1).map((r) => r.actor)).toEqual(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? 'b@test' : 'a@test')),
        );
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('reports a row edited in the table as the file store reports an edited line, and adds nothing to it', async () => {
    const id = (
      await cli('a', ['incident', 'declare', '--title', 'tamper', '--severity', 'P3'])
    ).stdout.trim();
    await cli('a', ['incident', 'note', id, 'original words']);
    await cli('a', ['incident', 'note', id, 'later words']);
    pg.psql(
      `alter table opsconsole_journal disable trigger opsconsole_journal_append_only;
       update opsconsole_journal set line = replace(line, 'original', 'edited') where incident = '${id}' and seq = 2;
       alter table opsconsole_journal enable trigger opsconsole_journal_append_only;`,
      pg.port,
      'ops',
    );
    const list = await cli('b', ['incident', 'list']);
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(
      new RegExp(
        `${id}[^\\n]*\\n {2}DAMAGED journal, line 2 \\(record #2\\): record #2 was changed in the table`,
      ),
    );
    const note = await cli('b', ['incident', 'note', id, 'on top']);
    expect(note.code).toBe(1);
    expect(note.stderr).toMatch(/is damaged at line 2 \(record #2\)[\s\S]*nothing was recorded/);
    expect(rows(id).lines).toHaveLength(3);
    const repair = await cli('b', ['incident', 'repair', id]);
    expect(repair.code).toBe(1);
    expect(repair.stderr).toMatch(/may add records but never change or remove one/);
  });

  it('keeps records in the outbox while the database is down, then sends each once, in order', async () => {
    const id = (
      await cli('a', ['incident', 'declare', '--title', 'outage', '--severity', 'P1'])
    ).stdout.trim();
    await cli('a', ['incident', 'note', id, 'before']);
    pg.stopPrimary();
    const down = await cli('a', ['incident', 'note', id, 'during 1']);
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/database unreachable; 1 record kept in the outbox, sent when it is back/);
    await cli('a', ['incident', 'note', id, 'during 2']);
    // Another bastion cannot tell whether the incident exists: it records nothing, and says why.
    const other = await cli('b', ['incident', 'note', id, 'from b while down']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/cannot reach the incident database[\s\S]*nothing was recorded/);
    const offline = (
      await cli('a', ['incident', 'declare', '--title', 'declared offline', '--severity', 'P3'])
    ).stdout.trim();
    pg.startPrimary();
    const after = await cli('a', ['incident', 'note', id, 'after']);
    expect(after.code).toBe(0);
    expect(after.stderr).toBe('');
    const texts = parseJournal(rows(id).text).records.map((r) => (r.payload as { text?: string }).text);
    expect(texts.filter(Boolean)).toEqual(['before', 'during 1', 'during 2', 'after']);
    expect(rows(offline).lines).toHaveLength(1);
    // Sending again (another command) adds nothing.
    await cli('a', ['incident', 'list']);
    expect(rows(id).lines).toHaveLength(5);
  });

  it('pushes a JSONL incident as it is, idempotently, and refuses one that went another way', async () => {
    const local = { OPSCONSOLE_STATE_DIR: join(dir, 'files') };
    const id = (
      await runCli(['incident', 'declare', '--title', 'from a file', '--severity', 'P2'], { env: local })
    ).stdout.trim();
    await runCli(['incident', 'note', id, 'in the file'], { env: local });
    const push = () => runCli(['incident', 'push', id, '--config', consoleConfig], { env: local });
    expect((await push()).stdout).toMatch(
      /2 records pushed, 0 already there; 2 in postgres:\/\/console@[^ ]+, the chain verified/,
    );
    expect((await push()).stdout).toMatch(/0 records pushed, 2 already there/);
    await runCli(['incident', 'note', id, 'file only'], { env: local });
    await runCli(['incident', 'note', id, 'db only', '--config', consoleConfig], { env: local });
    const diverged = await push();
    expect(diverged.code).toBe(1);
    expect(diverged.stderr).toMatch(/record #3 .* went on separately after #2\. Nothing was pushed/);
  });

  it('refuses a database whose schema is newer than it knows', async () => {
    pg.psql(`update opsconsole_meta set value = '99' where key = 'schema_version'`, pg.port, 'ops');
    const r = await cli('a', ['incident', 'declare', '--title', 'x', '--severity', 'P3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /schema version 99, this opsconsole needs 1\.\n {2}fix: use the newer opsconsole/,
    );
    pg.psql(`update opsconsole_meta set value = '1' where key = 'schema_version'`, pg.port, 'ops');
  });
});
