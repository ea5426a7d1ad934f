import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';
import { PtyTerminal } from '../helpers/ptyTerminal';

const dir = mkdtempSync(join(tmpdir(), 'oc-storecrash-'));
const log = join(dir, 'api.log');
const env = { OPSCONSOLE_STATE_DIR: join(dir, 'state') };
writeFileSync(log, '');
writeFileSync(
  join(dir, 'config.yaml'),
  `environments:\n  shop:\n    services:\n      api:\n        logs: [{ file: ${log} }]\n`,
);

const lines = (tag: string, from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${new Date().toISOString()} INFO ${tag} request_id=${tag}-${from + i} status=200\n`,
  ).join('');

/** What the store holds now, as `logs --stored` prints it (it must open whatever state the file is in). */
function stored(): string[] {
  const out = execFileSync(BIN, ['logs', '--stored', '--env', 'shop'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

/**
 * The same while the console may not have created its store yet (it opens it on its own thread,
 * after the first frame): "nothing stored yet" is none stored, any other failure still fails.
 */
function storedSoFar(): string[] {
  try {
    return stored();
  } catch (err) {
    if (/nothing stored for shop yet/.test(String((err as { stderr?: unknown }).stderr))) return [];
    throw err;
  }
}

function console_(): PtyTerminal {
  return new PtyTerminal(BIN, ['--config', join(dir, 'config.yaml')], { env });
}

describe('the log store survives SIGKILL', () => {
  it('keeps what it acknowledged, opens after the kill, and a restarted console carries on in it', async () => {
    const first = console_();
    await first.waitFor(/Logs/);
    appendFileSync(log, lines('before', 0, 3000));
    await waitUntil(() => storedSoFar().length === 3000, 30_000, 'the first 3000 lines stored');
    // Lines still on their way when the process dies: they may or may not be kept, never half.
    appendFileSync(log, lines('during', 0, 500));
    first.kill('SIGKILL');
    await first.exited;
    const afterKill = stored();
    expect(afterKill.slice(0, 3000)).toEqual(
      Array.from({ length: 3000 }, (_, i) => expect.stringContaining(`request_id=before-${i} `)),
    );
    const during = afterKill.slice(3000);
    expect(during).toEqual(during.map((_, i) => expect.stringContaining(`request_id=during-${i} `)));
    // Started again on the same state: the store opens and the new lines join the old.
    const second = console_();
    await second.waitFor(/Logs/);
    // The follower starts at the end of the file; wait until it is there before writing.
    await waitUntil(
      () => {
        appendFileSync(log, lines('probe', 0, 1));
        return stored().some((l) => l.includes('probe'));
      },
      30_000,
      'the restarted console storing',
    );
    appendFileSync(log, lines('after', 0, 200));
    await waitUntil(
      () => stored().filter((l) => l.includes('request_id=after-')).length === 200,
      30_000,
      'the new lines',
    );
    const all = stored();
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(0, 3000 + during.length)).toEqual(afterKill);
    second.press('q');
    expect(await second.exited).toBe(0);
    // Closed cleanly: everything sealed, still all there.
    expect(stored()).toEqual(all);
  });
});
