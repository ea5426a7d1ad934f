// The generated JSON log the search and the template benchmarks read, cached in .bench/ by size.
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOGHUB_DIR, LOGHUB_SETS } from '../../../test/helpers/loghub';
import { benchDir } from './context';

/**
 * `lines` JSON lines from four services (one in 37 a 503, 3000 request ids), then loghub's samples,
 * so the search also meets real-world plain text. Returns the file's path.
 */
export async function corpus(lines: number): Promise<string> {
  mkdirSync(benchDir, { recursive: true });
  const file = join(benchDir, `corpus-${lines}.jsonl`);
  if (existsSync(file)) return file;
  process.stdout.write(`generating ${lines} lines… `);
  // Written under another name first: a run stopped halfway leaves no short corpus behind.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let buf = '';
  const services = ['gateway', 'api', 'worker', 'billing'];
  for (let i = 0; i < lines; i++) {
    const rid = `req-${(i * 7919) % 3000}`.padEnd(8, '0');
    const status = i % 37 === 0 ? 503 : 200;
    buf += `${JSON.stringify({ time: new Date(1763700000000 + i * 3).toISOString(), level: status >= 500 ? 'error' : 'info', service: services[i % 4], msg: status >= 500 ? 'upstream failed' : 'request completed', request_id: rid, status, duration_ms: i % 250 })}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  await new Promise<void>((resolve) => out.end(buf, () => resolve()));
  for (const set of LOGHUB_SETS)
    writeFileSync(partial, readFileSync(join(LOGHUB_DIR, `${set}_2k.log`)), { flag: 'a' });
  renameSync(partial, file);
  console.log('done');
  return file;
}
