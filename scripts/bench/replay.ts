// Replay: a recorded 30-minute incident of a 50-container fleet (synthetic, see replayFleet.ts)
// played back at 60x in the real console (first frame, CPU, wall time); whether the replayed rules
// fire when the live pass fired them; the recording's size per minute (in the store, and as an
// exported file, beside the same lines and events as JSONL compressed by zstd -19); and
// `check --scenarios` on ten recordings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../../src/config/schema';
import { encodeRecording } from '../../src/logstore/recordingFile';
import { fromStoredLine } from '../../src/logstore/storedLine';
import { openStoreForWriting } from '../../src/logstore/storeFile';
import { StoreWriter } from '../../src/logstore/storeWriter';
import type { Recording } from '../../src/model/recording';
import { loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import type { Playbook } from '../../src/playbooks/schema';
import { playThrough } from '../../src/session/replay/playThrough';
import { type Benchmark, bin, root } from './harness/context';
import { corePercent, procStat } from './harness/measure';
import { startConsole, timeUntilScreen } from './harness/terminal';
import { livePass, syntheticRecording } from './replayFleet';

const START = Date.parse('2026-12-01T03:00:00Z');

/** Rule firings and clearings, keyed so the live pass and the replay can be matched. */
function ruleTimes(events: { kind: string; at: number; data?: unknown }[]): Map<string, number> {
  const out = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const e of events) {
    if (e.kind !== 'rule-fired' && e.kind !== 'rule-cleared') continue;
    const d = e.data as { service: string; rule: string };
    const key = `${d.service}/${d.rule}/${e.kind}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out.set(`${key}#${n}`, e.at);
  }
  return out;
}

/** What the store takes for the recording: lines and events written as the console writes them. */
function storeBytes(rec: Recording, dir: string): number {
  const path = join(dir, 'store.db');
  const { db } = openStoreForWriting(path);
  const writer = new StoreWriter(db);
  const lines = rec.lines.map((l, i) => fromStoredLine(l, i + 1));
  for (let t = rec.header.from, li = 0, ei = 0; t < rec.header.to; t += 1000) {
    const batch = [];
    while (li < lines.length && (lines[li]?.time ?? 0) < t + 1000)
      batch.push(lines[li++] as (typeof lines)[number]);
    writer.append(batch);
    const events = [];
    while (ei < rec.events.length && (rec.events[ei]?.t ?? 0) < t + 1000)
      events.push(rec.events[ei++] as (typeof rec.events)[number]);
    writer.appendEvents(events);
  }
  writer.seal();
  const used = writer.usedBytes();
  db.close();
  return used;
}

export const replayBench: Benchmark = {
  name: 'replay',
  settings: { REPLAY_CONTAINERS: 50, REPLAY_MINUTES: 30, REPLAY_SPEED: 60, REPLAY_SCENARIOS: 10 },
  async run(bench) {
    const containers = bench.setting('REPLAY_CONTAINERS');
    const minutes = bench.setting('REPLAY_MINUTES');
    const speed = bench.setting('REPLAY_SPEED');
    const playbooks = loadPlaybookDirs([join(root, 'playbooks')]);
    const triage = playbooks.get('triage') as Playbook;
    console.log(`\n## replay: a ${minutes}-minute incident of ${containers} containers\n`);
    const dir = mkdtempSync(join(tmpdir(), 'oc-bench-replay-'));
    const rec = syntheticRecording({ containers, minutes, badService: 3, start: START }, triage);
    console.log(
      `recording: ${rec.lines.length} log lines, ${rec.events.length} events, ${rec.journal.length} records`,
    );

    // Size per minute: in the store, as a file, and as JSONL compressed by zstd -19 (the same data).
    const file = join(dir, 'incident.opsrec');
    writeFileSync(file, encodeRecording(rec), { mode: 0o600 });
    const fileBytes = statSync(file).size;
    const stored = storeBytes(rec, dir);
    const jsonl = join(dir, 'signals.jsonl');
    writeFileSync(
      jsonl,
      [...rec.lines.map((l) => JSON.stringify(l)), ...rec.events.map((e) => JSON.stringify(e))].join('\n'),
    );
    spawnSync('zstd', ['-19', '-q', '-f', jsonl, '-o', `${jsonl}.zst`]);
    const zstdBytes = statSync(`${jsonl}.zst`).size;
    const perMinute = (b: number) => b / minutes / 1024;
    console.log(
      `size per minute: store ${perMinute(stored).toFixed(0)} KiB, file ${perMinute(fileBytes).toFixed(0)} KiB, zstd -19 JSONL ${perMinute(zstdBytes).toFixed(0)} KiB (file/zstd ${(fileBytes / zstdBytes).toFixed(2)}x)`,
    );
    bench.figure('store KiB per minute', perMinute(stored), 'KiB');
    bench.figure('file KiB per minute', perMinute(fileBytes), 'KiB');
    bench.figure('zstd -19 JSONL KiB per minute', perMinute(zstdBytes), 'KiB');

    // Rule times: the live pass against the replay, every firing and clearing.
    const live = ruleTimes(livePass(rec, DEFAULT_THRESHOLDS).notable);
    const t0 = performance.now();
    const replayed = ruleTimes(playThrough(rec, DEFAULT_THRESHOLDS).notable);
    const fullSpeedMs = performance.now() - t0;
    const deltas = [...live].map(([k, at]) =>
      replayed.has(k) ? Math.abs((replayed.get(k) as number) - at) : Number.NaN,
    );
    const missing = deltas.filter(Number.isNaN).length + Math.max(0, replayed.size - live.size);
    const maxDelta = Math.max(0, ...deltas.filter((d) => !Number.isNaN(d)));
    console.log(
      `rules: ${live.size} live firings and clearings, ${replayed.size} replayed, ${missing} unmatched, at most ${maxDelta.toFixed(0)} ms apart`,
    );
    console.log(
      `full speed (check --scenarios' pace): ${(fullSpeedMs / 1000).toFixed(1)} s, ${((minutes * 60_000) / fullSpeedMs).toFixed(0)}x real time`,
    );
    bench.figure('rule events live', live.size, 'count');
    bench.figure('rule events unmatched', missing, 'count');
    bench.figure('rule time max delta', maxDelta, 'ms');
    bench.figure('full-speed replay', fullSpeedMs, 'ms');

    // The console at 60x: first frame, CPU, and whether it keeps the pace.
    const t = startConsole(['replay', file, '--speed', String(speed)], {
      env: { OPSCONSOLE_STATE_DIR: join(dir, 'state') },
    });
    const firstFrame = await timeUntilScreen(t, /REPLAY \d\d:\d\d:\d\dZ/, 60_000);
    const before = procStat(t.pid);
    const t1 = performance.now();
    await t.waitFor(/REPLAY \d\d:\d\d:\d\dZ ×\d+ END/, ((minutes * 60) / speed) * 1000 * 4 + 30_000, 100);
    const seconds = (performance.now() - t1) / 1000;
    const cpu = corePercent(before, procStat(t.pid), seconds);
    t.press('q');
    await t.exited;
    console.log(
      `console at ${speed}x: first frame ${firstFrame.toFixed(0)} ms, ${minutes} min played in ${seconds.toFixed(1)} s (${((minutes * 60) / seconds).toFixed(0)}x), ${cpu.toFixed(0)}% of a core`,
    );
    bench.figure('first frame', firstFrame, 'ms');
    bench.figure('played in', seconds, 's');
    bench.figure('cpu while playing', cpu, '% core');

    // check --scenarios on N recordings, each with its own bad service.
    const n = bench.setting('REPLAY_SCENARIOS');
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = join(dir, `scenario-${i}.opsrec`);
      writeFileSync(
        f,
        encodeRecording(syntheticRecording({ containers, minutes, badService: i, start: START }, triage)),
      );
      files.push(f);
    }
    const t2 = performance.now();
    const check = spawnSync(bin, ['check', '--scenarios', ...files], {
      encoding: 'utf8',
      env: { ...process.env, OPSCONSOLE_STATE_DIR: join(dir, 'state') },
    });
    const checkSeconds = (performance.now() - t2) / 1000;
    const passed = (check.stdout.match(/ PASS /g) ?? []).length;
    console.log(
      `check --scenarios on ${n} recordings: ${checkSeconds.toFixed(1)} s (${(checkSeconds / n).toFixed(1)} s each), ${passed} of ${n} pass, exit ${check.status}`,
    );
    bench.figure('check --scenarios', checkSeconds, 's');
    bench.figure('scenarios passed', passed, 'count');
  },
};
