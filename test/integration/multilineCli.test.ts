import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MULTILINE_FAMILIES } from '../fixtures/multiline/families';
import { BIN, runCli } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';

const dir = mkdtempSync(join(tmpdir(), 'oc-multiline-cli-'));
const families = Object.values(MULTILINE_FAMILIES);
const between = (i: number) => `2026-12-03 03:15:0${i},000 INFO app: request completed in ${i} ms`;
const lines = families.flatMap((f, i) => [between(i), ...f]);

type JsonRecord = { message: string; continuation?: string[] };

/** `logs --follow --json` on a new file while `write` appends to it: the first two records out. */
async function followTwoRecords(name: string, write: (file: string) => Promise<void>): Promise<JsonRecord[]> {
  const file = join(dir, name);
  writeFileSync(file, '');
  const child = spawn(BIN, ['logs', '--follow', '--file', file, '--json'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  try {
    await write(file);
    await waitUntil(() => out.split('\n').filter(Boolean).length >= 2, 10_000, 'two records out');
    return out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonRecord);
  } finally {
    child.kill('SIGINT');
  }
}

describe('logs --file and --follow: a stack trace is one record', () => {
  it('--json gives each family one record with its continuation lines; --patterns numbers every line once', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['logs', '--file', file, '--json']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; continuation?: string[] });
    expect(records).toHaveLength(families.length * 2);
    expect(records.filter((x) => x.continuation).map((x) => (x.continuation?.length ?? 0) + 1)).toEqual(
      families.map((f) => f.length),
    );
    const p = await runCli(['logs', '--patterns', '--json', '--file', file]);
    const numbered = p.stdout
      .trim()
      .split('\n')
      .flatMap((l) => (JSON.parse(l) as { lines: number[] }).lines)
      .sort((a, b) => a - b);
    expect(numbered).toEqual(lines.map((_, i) => i + 1));
  });

  it('--follow joins a trace a slow writer writes a line at a time', async () => {
    const java = MULTILINE_FAMILIES['Java stack trace'] as string[];
    const [trace, next] = await followTwoRecords('slow.log', async (file) => {
      // The writer is the scenario: a line every 300 ms, as a process printing its trace slowly.
      for (const line of [...java, between(8)]) {
        appendFileSync(file, `${line}\n`);
        await new Promise((r) => setTimeout(r, 300));
      }
    });
    expect(trace?.continuation).toHaveLength(java.length - 1);
    expect(next?.message).toBe(between(8));
  });

  it('--follow joins a trace written to a followed file', async () => {
    const python = MULTILINE_FAMILIES['Python traceback'] as string[];
    const [trace, next] = await followTwoRecords('follow.log', async (file) => {
      appendFileSync(file, `${python.join('\n')}\n${between(9)}\n`);
    });
    expect(trace?.continuation).toEqual(python.slice(1));
    expect(next?.message).toBe(between(9));
  });
});
