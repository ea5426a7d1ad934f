// The shared journal (`store: postgres://…`) beside the embedded JSONL one, on a real PostgreSQL 15:
// appends per second and append latency with ten writers on two bastions (ten processes, five on
// each of two state directories), the time a note takes to reach a console on the other bastion
// (NOTIFY, then a read from its last seq; the JSONL console polls its file each second), and the
// outbox sent after an outage (10,000 records), beside psql running the same INSERTs.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PgIncidentStore } from '../../src/incident/postgres/pgIncidentStore';
import { TestPostgres } from '../../test/helpers/postgres';
import { type Benchmark, bin, root } from './harness/context';
import { pct } from './harness/measure';
import { startConsole, timeUntilScreen } from './harness/terminal';
import { openStore } from './journalWriter';

const run = promisify(execFile);
const WRITER = join(root, 'dist', 'bench', 'main.mjs');

/** Ten writers at once (`stateDirOf` each): appends per second, and each append's latency. */
async function writers(stateDirOf: (i: number) => string, url: string, id: string, perWriter: number) {
  const t0 = performance.now();
  const outs = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      run(process.execPath, [WRITER, '--journal-writer', stateDirOf(i), url, id, String(perWriter)], {
        maxBuffer: 64 * 1024 * 1024,
      }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const latencies = outs.flatMap((o) => JSON.parse(o.stdout) as number[]);
  return { perSecond: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Median time from an append on bastion A to the note on the console of bastion B. */
async function reach(dir: string, url: string, id: string, cfg: string, runs: number): Promise<number> {
  const t = startConsole(['--config', cfg], {
    env: { OPSCONSOLE_STATE_DIR: join(dir, 'b') },
    columns: 120,
    rows: 40,
  });
  await t.waitFor(new RegExp(`resumed ${id}`), 30_000);
  t.press('t');
  await t.waitFor(/Timeline inc-/);
  const store = openStore(join(dir, 'a'), url);
  const journal = store.open(id);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const text = `reach probe ${i} ${Date.now()}`;
    journal.append('note', { text });
    times.push(await timeUntilScreen(t, new RegExp(`Note: ${text}`), 10_000));
  }
  store.close();
  t.kill('SIGTERM');
  await t.exited;
  return pct(times, 50);
}

function configFor(dir: string, name: string, url: string | undefined): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `environments:\n  prod:\n${url ? `    store: ${url}\n` : ''}    services:\n      api: {}\n`,
  );
  return path;
}

export const journalBench: Benchmark = {
  name: 'journal',
  settings: { JOURNAL_APPENDS_PER_WRITER: 300, JOURNAL_REACH_RUNS: 9, JOURNAL_OUTBOX: 10_000 },
  async run(bench) {
    const perWriter = bench.setting('JOURNAL_APPENDS_PER_WRITER');
    console.log('\n## journal: PostgreSQL beside the JSONL files\n');
    const pg = new TestPostgres();
    await pg.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'oc-bench-journal-'));
      const url = pg.url('console');
      const env = (b: string) => ({ ...process.env, OPSCONSOLE_STATE_DIR: join(dir, b) });
      spawnSync(
        bin,
        ['store', 'init', '--grant', 'console', '--config', configFor(dir, 'owner', pg.url('oc'))],
        { env: env('a') },
      );
      const pgCfg = configFor(dir, 'pg', url);
      const fileCfg = configFor(dir, 'files', undefined);
      const declare = (cfg: string, b: string) =>
        spawnSync(bin, ['incident', 'declare', '--title', 'bench', '--severity', 'P3', '--config', cfg], {
          env: env(b),
          encoding: 'utf8',
        }).stdout.trim();

      const pgId = declare(pgCfg, 'a');
      const onPg = await writers((i) => join(dir, i % 2 ? 'b' : 'a'), url, pgId, perWriter);
      // A JSONL journal is one machine's: the same ten writers on one state directory.
      const fileId = declare(fileCfg, 'files');
      const onFiles = await writers(() => join(dir, 'files'), '-', fileId, perWriter);
      console.log(
        `10 writers on 2 bastions: postgres ${onPg.perSecond.toFixed(0)} appends/s (p50 ${onPg.p50.toFixed(1)} ms, p99 ${onPg.p99.toFixed(1)} ms)`,
      );
      console.log(
        `  JSONL, one state directory shared: ${onFiles.perSecond.toFixed(0)} appends/s (p50 ${onFiles.p50.toFixed(1)} ms, p99 ${onFiles.p99.toFixed(1)} ms)`,
      );
      bench.figure('postgres appends per second', onPg.perSecond, '/s');
      bench.figure('postgres append p99', onPg.p99, 'ms');
      bench.figure('postgres append p50', onPg.p50, 'ms');
      bench.figure('jsonl appends per second', onFiles.perSecond, '/s');
      bench.figure('jsonl append p99', onFiles.p99, 'ms');

      const runs = bench.setting('JOURNAL_REACH_RUNS');
      // A fresh incident (the newest open one, which the console resumes), so each note is on screen.
      const reachPg = await reach(dir, url, declare(pgCfg, 'a'), pgCfg, runs);
      console.log(
        `a note reaches the other bastion's console in ${reachPg.toFixed(0)} ms (median of ${runs})`,
      );
      bench.figure('reach other console', reachPg, 'ms');

      // The outbox: records kept while the database was down, sent when it is back.
      const n = bench.setting('JOURNAL_OUTBOX');
      const outboxDir = join(dir, 'outbox');
      const outboxId = declare(pgCfg, 'outbox');
      pg.stopPrimary();
      const away = openStore(outboxDir, url) as PgIncidentStore;
      const journal = away.open(outboxId);
      for (let i = 0; i < n; i++) journal.append('note', { text: `kept while away ${i}` });
      away.close();
      pg.startPrimary();
      const back = openStore(outboxDir, url) as PgIncidentStore;
      const t0 = performance.now();
      back.sendOutbox();
      const sendMs = performance.now() - t0;
      back.close();
      const sql = Array.from(
        { length: n },
        (_, i) => `insert into bench_rows values (${i}, 'kept while away ${i}');`,
      ).join('\n');
      pg.psql('create table bench_rows (n int, text text)', pg.port, 'ops');
      const psqlFile = join(dir, 'inserts.sql');
      writeFileSync(psqlFile, sql);
      const t1 = performance.now();
      spawnSync('psql', [
        '-X',
        '-q',
        '-h',
        '127.0.0.1',
        '-p',
        String(pg.port),
        '-U',
        'oc',
        '-d',
        'ops',
        '-f',
        psqlFile,
      ]);
      const psqlMs = performance.now() - t1;
      const stored = Number(
        pg.psql(`select count(*) from opsconsole_journal where incident = '${outboxId}'`, pg.port, 'ops'),
      );
      console.log(
        `outbox of ${n}: sent in ${(sendMs / 1000).toFixed(1)} s (${stored - 1} stored, chained), psql's ${n} plain INSERTs ${(psqlMs / 1000).toFixed(1)} s (${(sendMs / psqlMs).toFixed(1)}x)`,
      );
      bench.figure('outbox sent', sendMs, 'ms');
      bench.figure('psql inserts', psqlMs, 'ms');
      bench.figure('outbox records stored', stored - 1, 'count');
    } finally {
      pg.stop();
    }
  },
};
