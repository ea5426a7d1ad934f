import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../src/incident/journal';
import { headPath, parseJournal, readHead } from '../../src/incident/journalChain';
import { runCli } from '../helpers/cli';
import { FullDisk } from '../helpers/fullDisk';

let disk: FullDisk;
beforeAll(() => {
  disk = FullDisk.mount();
});
afterEach(() => disk.makeRoom());
afterAll(() => disk.unmount());

/** A journal on the small disk: a declaration and two notes. */
function journalOnDisk(): { path: string; journal: Journal } {
  const path = join(mkdtempSync(join(disk.dir, 'state-')), 'incidents', 'inc-1.jsonl');
  const journal = new Journal(path, 'op@test');
  journal.append('incident.declared', { title: 'disk', severity: 'P2', commander: 'op' });
  for (const text of ['one', 'two']) journal.append('note', { text });
  return { path, journal };
}

/** Files beside the journals and their heads: lock files, temp files, anything half-made. */
function leftovers(incidentsDir: string): string[] {
  return readdirSync(incidentsDir).filter((f) => !/^inc-[\w-]+\.jsonl(\.head)?$/.test(f));
}

/** What must hold after any failed append: the journal verifies, and its head names its last record. */
function expectIntact(path: string): void {
  const text = readFileSync(path, 'utf8');
  const parsed = parseJournal(text);
  expect(parsed.tornBytes).toBe(0);
  expect(readJournal(path).damage).toBeUndefined();
  expect(readHead(path)).toEqual(parsed.tail);
}

describe('an append on a full disk happens and is acknowledged, or is not in the journal', () => {
  it('room for the record but not its head: the record is taken back, and a retry adds it once', () => {
    const { path, journal } = journalOnDisk();
    const before = readFileSync(path, 'utf8');
    const headBefore = readFileSync(headPath(path), 'utf8');
    // The record fits in the slack of the journal's last page, so only the head needs a new page.
    expect(disk.pageSize - (Buffer.byteLength(before) % disk.pageSize)).toBeGreaterThan(1024);
    disk.leaveRoomFor(1); // the lock's page
    expect(() => journal.append('note', { text: 'on a full disk' })).toThrow(
      /could not be written: no space left on the device \(\S+inc-1\.jsonl\.head\); nothing was recorded/,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readFileSync(headPath(path), 'utf8')).toBe(headBefore);
    expectIntact(path);
    expect(leftovers(join(path, '..'))).toEqual([]);

    disk.makeRoom();
    expect(journal.append('note', { text: 'on a full disk' }).seq).toBe(4);
    expect(new Journal(path, 'other@test').append('note', { text: 'after' }).seq).toBe(5);
    const { records } = readJournal(path);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records.filter((r) => r.payload.text === 'on a full disk')).toHaveLength(1);
    expectIntact(path);
    expect(leftovers(join(path, '..'))).toEqual([]);
  });

  it('room for a head but not the record: a record cut short by the disk is taken back whole', () => {
    const { path, journal } = journalOnDisk();
    const before = readFileSync(path, 'utf8');
    // The lock's page and one more: the disk takes part of a three-page record, then refuses.
    disk.leaveRoomFor(2);
    const big = 'x'.repeat(3 * disk.pageSize);
    expect(() => journal.append('note', { text: big })).toThrow(
      /could not be written: no space left on the device \(\S+inc-1\.jsonl\); nothing was recorded/,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expectIntact(path);
    expect(leftovers(join(path, '..'))).toEqual([]);
    // What was cut back is free again: the pages the partial record took are returned.
    expect(disk.freePages()).toBe(2);

    disk.makeRoom();
    expect(journal.append('note', { text: big }).seq).toBe(4);
    expect(readJournal(path).records.filter((r) => r.payload.text === big)).toHaveLength(1);
    expectIntact(path);
  });

  it('a failed append after a torn line was cut still records that cut, once, with the retry', () => {
    const { path } = journalOnDisk();
    const good = readFileSync(path, 'utf8');
    appendFileSync(path, '{"seq":4,"ts":"2026-11-21T00:00:00.000Z","kind":"no');
    const writer = new Journal(path, 'other@test');
    disk.leaveRoomFor(1);
    expect(() => writer.append('note', { text: 'after the tear' })).toThrow(/no space left on the device/);
    expect(readFileSync(path, 'utf8')).toBe(good);
    expectIntact(path);

    disk.makeRoom();
    writer.append('note', { text: 'after the tear' });
    const { records } = readJournal(path);
    expect(records.map((r) => r.kind)).toEqual([
      'incident.declared',
      'note',
      'note',
      'journal.recovered',
      'note',
    ]);
    expect(records[3]?.payload).toMatchObject({ droppedBytes: 51 });
    expectIntact(path);
  });

  it('no room even for the lock: nothing recorded, no ID.jsonl.lock.PID left behind', () => {
    const { path, journal } = journalOnDisk();
    const before = readFileSync(path, 'utf8');
    disk.leaveRoomFor(0);
    expect(() => journal.append('note', { text: 'x' })).toThrow(
      /no space left on the device \(\S+inc-1\.jsonl\.lock\); nothing was recorded/,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(leftovers(join(path, '..'))).toEqual([]);
  });
});

describe('the CLI on a full disk', () => {
  async function stateWithIncident(): Promise<{ env: Record<string, string>; id: string; dir: string }> {
    const stateDir = mkdtempSync(join(disk.dir, 'cli-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const declared = await runCli(['incident', 'declare', '--title', 'kept', '--severity', 'P2'], { env });
    expect(declared.code).toBe(0);
    return { env, id: declared.stdout.trim(), dir: join(stateDir, 'incidents') };
  }

  // 0 pages: the lock cannot be made; 1: the journal's first page cannot; 2: its head cannot.
  for (const [pages, file] of [
    [0, '.jsonl.lock'],
    [1, '.jsonl'],
    [2, '.jsonl.head'],
  ] as const) {
    it(`a declaration with room for ${pages} page(s) leaves nothing, says why plainly, and list still works`, async () => {
      const { env, id, dir } = await stateWithIncident();
      const files = readdirSync(dir).sort();
      disk.leaveRoomFor(pages);
      const r = await runCli(['incident', 'declare', '--title', 'lost', '--severity', 'P1'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no space left on the device (${dir}/`);
      expect(r.stderr).toMatch(new RegExp(`/inc-[\\w-]+${file.replaceAll('.', '\\.')}\\);`));
      expect(r.stderr).toMatch(/nothing was recorded, and no journal was left behind/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stdout).toBe('');
      expect(readdirSync(dir).sort()).toEqual(files);
      disk.makeRoom();
      const list = await runCli(['incident', 'list'], { env });
      expect(list.code).toBe(0);
      expect(list.stdout.trim().split('\n')).toEqual([expect.stringContaining(id)]);
      expect(list.stderr).toBe('');
    });
  }

  // 0 pages: the lock cannot be made; 1: the record fits its journal's last page, the head does not.
  for (const [pages, file] of [
    [0, '.jsonl.lock'],
    [1, '.jsonl.head'],
  ] as const) {
    it(`a note with room for ${pages} page(s) fails plainly, is not recorded, and its retry is recorded once`, async () => {
      const { env, id, dir } = await stateWithIncident();
      const path = join(dir, `${id}.jsonl`);
      const before = readFileSync(path, 'utf8');
      disk.leaveRoomFor(pages);
      const r = await runCli(['incident', 'note', id, 'disk is full'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no space left on the device (${dir}/${id}${file}); nothing was recorded.`);
      expect(r.stderr).toMatch(/\n\s+fix: free some space/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(readFileSync(path, 'utf8')).toBe(before);
      expect(leftovers(dir)).toEqual([]);
      disk.makeRoom();
      const retry = await runCli(['incident', 'note', id, 'disk is full'], { env });
      expect(retry.stdout.trim()).toBe('recorded #2');
      expect(readJournal(path).records.filter((x) => x.payload.text === 'disk is full')).toHaveLength(1);
      expectIntact(path);
    });
  }
});

describe('incident list over an empty journal', () => {
  it('lists the others, names the empty one with its fix, and repair moves it aside', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-empty-journal-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const good = (
      await runCli(['incident', 'declare', '--title', 'ok', '--severity', 'P3'], { env })
    ).stdout.trim();
    const empty = join(stateDir, 'incidents', 'inc-empty.jsonl');
    // What a declaration on a full disk left before appends were taken back.
    writeFileSync(empty, '');
    chmodSync(empty, 0o600);
    const list = await runCli(['incident', 'list'], { env });
    expect(list.code).toBe(1);
    expect(list.stdout).toContain(good);
    expect(list.stderr).toMatch(
      /inc-empty: .*journal is empty.*\n\s+fix: `opsconsole incident repair inc-empty`/,
    );
    const repair = await runCli(['incident', 'repair', 'inc-empty'], { env });
    expect(repair.code).toBe(0);
    expect(repair.stdout).toMatch(/no readable record.*moved aside to \S+inc-empty\.jsonl\.damaged-/);
    expect(existsSync(empty)).toBe(false);
    const after = await runCli(['incident', 'list'], { env });
    expect(after.code).toBe(0);
    expect(after.stderr).toBe('');
    expect(after.stdout.trim().split('\n')).toEqual([expect.stringContaining(good)]);
  });
});
