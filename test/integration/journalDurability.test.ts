import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/incident/journalChain';

const WRITER = join(process.cwd(), 'dist', 'test-fixtures', 'journalWriter.js');
const ATOMIC = join(process.cwd(), 'dist', 'test-fixtures', 'atomicWriter.js');

interface Writer {
  child: ChildProcess;
  acked: number[];
  stderr: string[];
  exited: boolean;
  done: Promise<number | null>;
}

function startWriter(path: string, count: number, tag: string): Writer {
  const child = spawn(process.execPath, [WRITER, path, String(count), tag], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const acked: number[] = [];
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines) acked.push(Number(l));
  });
  const writer: Writer = { child, acked, stderr, exited: false, done: Promise.resolve(null) };
  writer.done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      writer.exited = true;
      resolve(code);
    }),
  );
  return writer;
}

describe('incident journal durability (real processes, SIGKILL)', () => {
  it('keeps every acknowledged record across many kills at random moments, without duplicates', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oc-crash-')), 'inc.jsonl');
    const allAcked: number[] = [];
    for (let round = 0; round < 25; round++) {
      const w = startWriter(path, 0, `r${round}`);
      // Wait for the first ack, then kill at a random moment while it is writing.
      while (w.acked.length === 0 && !w.exited) await new Promise((r) => setTimeout(r, 5));
      expect(w.stderr.join('')).toBe('');
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      w.child.kill('SIGKILL');
      await w.done;
      allAcked.push(...w.acked);
    }
    const text = readFileSync(path, 'utf8');
    const { records, tornBytes } = parseJournal(text);
    // The final writer may leave a torn line; the next open would truncate it.
    expect(tornBytes).toBeLessThan(4096);
    const seqs = records.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const present = new Set(seqs);
    for (const s of allAcked) expect(present.has(s)).toBe(true);
    expect(parseJournal(text.slice(0, text.length - tornBytes)).damage).toBeUndefined();
    expect(allAcked.length).toBeGreaterThan(25);
  });

  it('truncates a torn last record on the next append and records the recovery', async () => {
    const { appendFileSync } = await import('node:fs');
    const { Journal } = await import('../../src/incident/journal');
    const path = join(mkdtempSync(join(tmpdir(), 'oc-torn-')), 'inc.jsonl');
    const j = new Journal(path, 'a@b');
    j.append('note', { text: 'one' });
    appendFileSync(path, '{"seq":2,"ts":"2026-11-21T00:00:00.000Z","kind":"no');
    const j2 = new Journal(path, 'c@d');
    const r = j2.append('note', { text: 'two' });
    const { records, tornBytes } = parseJournal(readFileSync(path, 'utf8'));
    expect(tornBytes).toBe(0);
    expect(records.map((x) => x.kind)).toEqual(['note', 'journal.recovered', 'note']);
    expect(records[1]?.payload).toMatchObject({ droppedBytes: 51 });
    expect(r.seq).toBe(3);
    expect(parseJournal(readFileSync(path, 'utf8')).damage).toBeUndefined();
  });

  it('serializes concurrent writers from several processes: no interleaving, no loss', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oc-concurrent-')), 'inc.jsonl');
    const writers = ['a', 'b', 'c', 'd'].map((tag) => startWriter(path, 150, tag));
    const codes = await Promise.all(writers.map((w) => w.done));
    expect(codes).toEqual([0, 0, 0, 0]);
    const text = readFileSync(path, 'utf8');
    const { records, tornBytes } = parseJournal(text);
    expect(tornBytes).toBe(0);
    expect(records).toHaveLength(600);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    for (const tag of ['a', 'b', 'c', 'd']) {
      const mine = records
        .filter((r) => r.actor === `writer-${tag}@test`)
        .map((r) => Number(String(r.payload.text).split(' ')[1]));
      expect(mine).toEqual(mine.map((_, i) => i));
    }
    expect(parseJournal(text).damage).toBeUndefined();
    expect(new Set(writers.flatMap((w) => w.acked)).size).toBe(600);
  });

  it('an interrupted atomic export leaves the old file or the new one, never half', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oc-atomic-')), 'postmortem.md');
    for (let round = 0; round < 10; round++) {
      const child = spawn(process.execPath, [ATOMIC, path], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 80 + Math.random() * 120));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      let content = '';
      try {
        content = readFileSync(path, 'utf8');
      } catch {
        continue; // killed before the first rename
      }
      expect(content.length).toBe(4 * 1024 * 1024);
      expect(content === 'A'.repeat(content.length) || content === 'B'.repeat(content.length)).toBe(true);
    }
  });
});
