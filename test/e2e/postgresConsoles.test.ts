import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/incident/journalChain';
import { BIN, runCli } from '../helpers/cli';
import { TestPostgres } from '../helpers/postgres';
import { waitUntil } from '../helpers/processes';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const pg = new TestPostgres();
const dir = mkdtempSync(join(tmpdir(), 'oc-pgconsoles-'));
const log = join(dir, 'api.log');
let cfg = '';
/** Two bastions: separate state directories, one database (its primary, then its promoted replica). */
const env = (b: string) => ({ OPSCONSOLE_STATE_DIR: join(dir, b) });

/** The incident's notes in the database, in seq order, each with the time it was written. */
function noteRecords(id: string, port: number): { text: string; ts: string }[] {
  const out = pg.psql(
    `select line from opsconsole_journal where incident = '${id}' order by seq`,
    port,
    'ops',
  );
  const parsed = parseJournal(out === '' ? '' : `${out}\n`);
  expect(parsed.damage).toBeUndefined();
  return parsed.records
    .filter((r) => r.kind === 'note')
    .map((r) => ({ text: (r.payload as { text: string }).text, ts: r.ts }));
}

const notesIn = (id: string, port: number) => noteRecords(id, port).map((n) => n.text);

beforeAll(async () => {
  await pg.start();
  await pg.replica();
  writeFileSync(log, '');
  const url = `${pg.url('console')}&target_session_attrs=read-write`;
  cfg = join(dir, 'config.yaml');
  writeFileSync(
    cfg,
    `environments:\n  prod:\n    store: ${url}\n    services:\n      api:\n        logs: [{ file: ${log} }]\n`,
  );
  const owner = join(dir, 'owner.yaml');
  writeFileSync(owner, `environments:\n  prod:\n    store: ${pg.url('oc')}\n    services: {}\n`);
  const init = await runCli(['store', 'init', '--grant', 'console', '--config', owner], { env: env('a') });
  expect(init.code).toBe(0);
}, 120_000);
afterAll(() => pg.stop());

/** A note typed into a console: acknowledged when the console says it is recorded. */
async function typeNote(t: PtyTerminal, text: string): Promise<void> {
  t.press(KEYS.escape);
  t.press('n');
  await t.waitFor(/Note/);
  t.press(text);
  await t.waitFor((s) => s.includes(`> ${text}`));
  t.press(KEYS.enter);
  await t.waitFor(/note recorded/);
}

describe('two consoles share one incident through PostgreSQL', () => {
  it("see each other's notes, survive the primary's death and the replica's promotion, and lose nothing", async () => {
    const declared = await runCli(
      ['incident', 'declare', '--title', 'checkout down', '--severity', 'P1', '--config', cfg],
      {
        env: env('a'),
      },
    );
    const id = declared.stdout.trim();
    const a = new PtyTerminal(BIN, ['--config', cfg], { env: env('a'), columns: 120, rows: 40 });
    const b = new PtyTerminal(BIN, ['--config', cfg], { env: env('b'), columns: 120, rows: 40 });
    await a.waitFor(new RegExp(`resumed ${id}`));
    await b.waitFor(new RegExp(`resumed ${id}`));

    await typeNote(a, 'seen on A first');
    b.press('t');
    await b.waitFor(/Note: seen on A first/, 5_000);
    await typeNote(b, 'answer from B');
    a.press('t');
    await a.waitFor(/Note: answer from B/, 5_000);

    // Both bastions keep appending (their CLIs and their consoles) while the primary dies.
    const acknowledged: string[] = ['seen on A first', 'answer from B'];
    let killed = false;
    const writer = async (b_: string) => {
      for (let i = 0; i < 10; i++) {
        if (i === 4 && b_ === 'a' && !killed) {
          killed = true;
          pg.killPrimary();
        }
        const text = `${b_}-cli-${i}`;
        const r = await runCli(['incident', 'note', id, text, '--config', cfg], { env: env(b_) });
        if (r.code === 0) acknowledged.push(text);
      }
    };
    await Promise.all([writer('a'), writer('b')]);
    await typeNote(a, 'A while the database is away');
    acknowledged.push('A while the database is away');
    await a.waitFor(/database unreachable; \d+ records? kept in the outbox/);
    pg.promote();
    await typeNote(b, 'B after the promotion');
    acknowledged.push('B after the promotion');

    // Each console finds the new primary by itself and sends what waited; nothing is typed to help.
    await waitUntil(
      () => acknowledged.every((n) => notesIn(id, pg.replicaPort).includes(n)),
      30_000,
      'every acknowledged note in the promoted database',
    );
    const notes = notesIn(id, pg.replicaPort);
    for (const n of acknowledged)
      expect(
        notes.filter((x) => x === n),
        n,
      ).toHaveLength(1);
    expect(notes).toHaveLength(acknowledged.length);
    await a.waitFor((s) => !/database unreachable/.test(s), 10_000);
    await b.waitFor(/Note: A while the database is away/, 10_000);

    // The draft lists both consoles' records in the order they were written: a record that waited
    // in an outbox is chained later but keeps its own time.
    const draft = await runCli(['export', id, '--config', cfg], { env: env('b') });
    const byTime = [...noteRecords(id, pg.replicaPort)].sort((x, y) => x.ts.localeCompare(y.ts));
    const order = byTime.map((n) => draft.stdout.indexOf(`Note: ${n.text}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);

    for (const t of [a, b]) {
      t.press(KEYS.escape);
      t.press('q');
      await t.waitFor(/Quit while incident/);
      t.press('y');
      expect(await t.exited).toBe(0);
    }
  }, 120_000);
});
