import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/logs/logRecord';
import { openStoreForWriting, storePath } from '../../src/logstore/storeFile';
import { StoreWriter } from '../../src/logstore/storeWriter';
import { BIN } from '../helpers/cli';

describe('a log store damaged in the middle', () => {
  it('is read up to the damage, then said plainly with a way out, not as an internal error', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-storedamage-'));
    const path = storePath(stateDir, 'shop');
    const { db } = openStoreForWriting(path);
    const writer = new StoreWriter(db);
    const t0 = Date.UTC(2026, 11, 2, 3, 0, 0);
    for (let b = 0; b < 40; b++) {
      const batch: LogRecord[] = [];
      for (let i = 0; i < 2000; i++) {
        const n = b * 2000 + i;
        // Lines that do not compress to nothing, so the file has pages to damage.
        const text = `request ${n} ${Math.random().toString(36).repeat(3)}`;
        batch.push({ seq: 0, source: 'api', time: t0 + n, timeFromLine: true, message: text, text });
      }
      writer.append(batch);
    }
    writer.seal();
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    // 64 KiB of garbage over the middle of the file, as a bad disk or a careless copy would leave.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64 * 1024, 0xa5), 0, 64 * 1024, Math.floor(statSync(path).size / 2));
    closeSync(fd);
    const r = spawnSync(BIN, ['logs', '--stored', '--env', 'shop'], {
      env: { ...process.env, OPSCONSOLE_STATE_DIR: stateDir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    if (r.status === 0) {
      // SQLite found the damage only in blocks it could skip: it says so, and the rest came.
      expect(r.stderr).toMatch(/damaged block\(s\) .* skipped/);
    } else {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^opsconsole: the log store .* could not be read (at all|past the \d+ lines printed): .+\n {2}fix: move it aside/,
      );
      const printed = r.stdout.split('\n').filter(Boolean).length;
      expect(r.stderr).toContain(printed === 0 ? 'read at all:' : `past the ${printed} lines printed:`);
    }
  });
});
