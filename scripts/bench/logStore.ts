// The log store: ingest into it, its size on disk, and its searches beside rg -F and grep -F over
// the same lines as one raw file (the CLI's times include starting the process, as a user runs it).
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseFilterQuery } from '../../src/logs/logFilter';
import type { LogRecord } from '../../src/logs/logRecord';
import { parseLine } from '../../src/logs/parseLine';
import { openStoreForReading, openStoreForWriting, storePath } from '../../src/logstore/storeFile';
import { StoreReader } from '../../src/logstore/storeReader';
import { StoreWriter } from '../../src/logstore/storeWriter';
import { type Benchmark, benchDir, bin } from './harness/context';
import { type CommandTime, fmt, mb, pct, timeCommand } from './harness/measure';
import { quit, startConsole, timeUntilScreen } from './harness/terminal';

const SERVICES = ['gateway', 'api', 'worker'];

/** `lines` JSON lines: each request through three services with its own id; one in 37 fails. */
async function rawLog(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const request = Math.floor(i / 3);
    const failed = request % 37 === 0;
    const service = SERVICES[i % 3];
    buf += `${JSON.stringify({ time: new Date(1763700000000 + i * 2).toISOString(), level: failed && service === 'api' ? 'error' : 'info', service, msg: failed && service === 'api' ? 'upstream failed' : 'request completed', request_id: `req-${request.toString(16).padStart(7, '0')}`, path: `/orders/${request % 500}`, status: failed ? 503 : 200, duration_ms: i % 250 })}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  await new Promise<void>((resolve) => out.end(buf, () => resolve()));
}

export const logStoreBench: Benchmark = {
  name: 'logstore',
  settings: { STORE_LINES: 2_000_000 },
  async run(bench) {
    const lines = bench.setting('STORE_LINES');
    const dir = join(benchDir, 'logstore');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const raw = join(dir, 'raw.jsonl');
    await rawLog(raw, lines);
    const rawBytes = statSync(raw).size;
    console.log(`\n## log store: ${lines} lines, ${mb(rawBytes)} as raw JSON\n`);
    // Ingest as the console's writer thread does (parsed by the ingest, appended in flush batches).
    const path = storePath(join(dir, 'state'), 'bench');
    const { db } = openStoreForWriting(path);
    const writer = new StoreWriter(db, {
      budgetBytes: 64 * 1024 ** 3,
      blockLines: 4096,
      mergeAfterMs: 30_000,
    });
    let batch: LogRecord[] = [];
    let seq = 0;
    let writing = 0;
    const t0 = performance.now();
    for await (const text of createInterface({
      input: createReadStream(raw),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      const r = parseLine(text, { source: SERVICES[seq % 3] as string, seq: seq++, receivedAt: 0 });
      r.pattern = `${r.source}#${r.status === 503 ? 2 : 1}`;
      batch.push(r);
      if (batch.length === 5000) {
        const w0 = performance.now();
        writer.append(batch);
        writing += performance.now() - w0;
        batch = [];
      }
    }
    writer.append(batch);
    writer.seal();
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const total = (performance.now() - t0) / 1000;
    db.close();
    const onDisk = statSync(path).size;
    console.log(
      `ingest (parse + store)   ${(lines / total).toFixed(0)} lines/s; the store's part ${(lines / (writing / 1000)).toFixed(0)} lines/s`,
    );
    console.log(
      `on disk                  ${mb(onDisk)}: ${(onDisk / rawBytes).toFixed(3)} bytes per raw byte`,
    );
    bench.figure('ingest: lines/s (parse + store)', lines / total, 'lines/s');
    bench.figure("ingest: lines/s (the store's part)", lines / (writing / 1000), 'lines/s');
    bench.figure('bytes on disk per raw byte', onDisk / rawBytes, 'ratio');

    // What the console's pivot costs: the search in process, warm.
    const rid = `req-${Math.floor(lines / 6)
      .toString(16)
      .padStart(7, '0')}`;
    const readDb = openStoreForReading(path);
    if (!readDb) throw new Error(`no store at ${path}`);
    const reader = new StoreReader(readDb);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 10; i++) {
      const s0 = performance.now();
      found = [...reader.lines({ filter: parseFilterQuery(`rid:${rid}`) })].length;
      // The first three warm the page cache and the JIT, as a console that has run a while has.
      if (i >= 3) times.push(performance.now() - s0);
    }
    console.log(`request id, in process   ${fmt(pct(times, 50))} (${found} lines)`);
    bench.figure('request id lookup in process: time', pct(times, 50), 'ms');

    const env = { OPSCONSOLE_STATE_DIR: join(dir, 'state') };
    const stored = (args: string[]): [string, string[]] => [
      'env',
      [
        `OPSCONSOLE_STATE_DIR=${env.OPSCONSOLE_STATE_DIR}`,
        bin,
        'logs',
        '--stored',
        '--env',
        'bench',
        ...args,
      ],
    ];
    const queries: [string, [string, string[]], [string, string[]][]][] = [
      [
        `request id ${rid}`,
        stored(['--request-id', rid]),
        [
          ['rg -F', ['rg', '-F', rid, raw]],
          ['grep -F', ['grep', '-F', rid, raw]],
        ],
      ],
      [
        'a word (/orders/123)',
        stored(['--grep', '/orders/123"']),
        [
          ['rg -F', ['rg', '-F', '/orders/123"', raw]],
          ['grep -F', ['grep', '-F', '/orders/123"', raw]],
        ],
      ],
      [
        'level:error src:api',
        stored(['--filter', 'level:error src:api']),
        [['rg -F', ['rg', '-F', '"level":"error","service":"api"', raw]]],
      ],
    ];
    // The first frame of a console whose environment has this store (the goal: under 300 ms).
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `environments:\n  bench:\n    services:\n      api:\n        logs: [{ file: ${JSON.stringify(join(dir, 'api.log'))} }]\n`,
    );
    writeFileSync(join(dir, 'api.log'), '');
    const frames: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = startConsole(['--config', config], { env });
      try {
        frames.push(await timeUntilScreen(c, /opsconsole · bench/));
      } finally {
        await quit(c);
      }
    }
    console.log(`first frame, store present ${fmt(pct(frames, 50))} (median of 3, process start included)`);
    bench.figure('first frame with the store present', pct(frames, 50), 'ms');

    for (const [what, [cmd, args], others] of queries) {
      const ours = timeCommand(cmd, [...args], 3);
      report(bench, what, 'opsconsole logs --stored', ours);
      for (const [name, [c, ...a]] of others) {
        const other = timeCommand(c as string, a, 3);
        report(bench, what, name, other);
        if (!('error' in ours) && !('error' in other)) {
          console.log(`  ${name} / opsconsole: ${(other.ms / ours.ms).toFixed(2)}x`);
          bench.figure(`${what}: ${name} time / ours`, other.ms / ours.ms, 'ratio');
        }
      }
    }
  },
};

function report(
  bench: { figure(n: string, v: number, u: string): void },
  what: string,
  tool: string,
  r: CommandTime,
): void {
  if ('error' in r) {
    console.log(`${what}: ${tool} failed: ${r.error}`);
    return;
  }
  console.log(`${what.padEnd(28)} ${tool.padEnd(26)} ${fmt(r.ms).padStart(9)}  ${r.lines} lines`);
  bench.figure(`${what}: ${tool}`, r.ms, 'ms');
}
