import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilterQuery } from '../../src/logs/logFilter';
import { parseLine } from '../../src/logs/parseLine';
import type { SourceEvent } from '../../src/model/sourceEvents';
import { FileFollower } from '../../src/sources/fileFollower';
import { runShell } from '../helpers/cli';
import { TEST_IMAGE, TestDockerd } from '../helpers/dockerd';
import { waitUntil } from '../helpers/processes';

const dir = mkdtempSync(join(tmpdir(), 'oc-logs-'));

function runLogs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('bin/opsconsole', ['logs', ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    ),
  );
}

describe('file logs', () => {
  it('follows a file across rotation and truncation, with a visible marker for the truncation', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'before start\n');
    const lines: string[] = [];
    const f = new FileFollower(
      path,
      'app',
      (e: SourceEvent) => {
        if (e.type === 'log-lines') lines.push(...e.lines);
      },
      { pollMs: 50 },
    );
    f.start();
    appendFileSync(path, 'one\ntwo\n');
    await waitUntil(() => lines.includes('two'), 5000, 'appended lines');
    appendFileSync(path, 'three\n');
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'late write to the old file\n');
    writeFileSync(path, 'new file first\n');
    await waitUntil(() => lines.includes('new file first'), 5000, 'the rotated file');
    truncateSync(path, 0);
    appendFileSync(path, 'after truncate\n');
    await waitUntil(() => lines.includes('after truncate'), 5000, 'lines after truncation');
    f.stop();
    expect(lines.slice(0, 4)).toEqual(['one', 'two', 'three', 'late write to the old file']);
    expect(lines).not.toContain('before start');
    expect(lines.some((l) => l.includes('was truncated'))).toBe(true);
  });
});

describe('streaming command logs', () => {
  it('restarts a command that ends, marks the gap and drops the lines it repeats', async () => {
    const { StreamingLogSource } = await import('../../src/sources/streamingLogSource');
    const { localTarget } = await import('../../src/transport/localCommand');
    const counter = join(dir, 'runs');
    writeFileSync(counter, '');
    // Each run prints the same two lines, then one unique to the run, then exits.
    const script = `echo same-1; echo same-2; echo run >> '${counter}'; echo "run-$(wc -l < '${counter}')"`;
    const lines: string[] = [];
    const src = new StreamingLogSource(
      { source: 'cmd', target: localTarget, argvFor: () => ['sh', '-c', script] },
      (e) => {
        if (e.type === 'log-lines') lines.push(...e.lines);
      },
    );
    src.start();
    await waitUntil(() => lines.some((l) => /^run-2$/.test(l.trim())), 15_000, 'a second run');
    src.stop();
    expect(lines.filter((l) => l === 'same-1')).toHaveLength(1);
    expect(lines.some((l) => l.includes('the stream stopped and was started again'))).toBe(true);
  });

  it('reads back a journald unit: entries from before the start are marked, at journald’s time', async () => {
    const { StreamingLogSource, journaldArgv, journaldCursor, journaldTime } = await import(
      '../../src/sources/streamingLogSource'
    );
    const { localTarget } = await import('../../src/transport/localCommand');
    // Entries as `journalctl -o json` prints them; the command stands in for journalctl.
    const entry = (at: number, n: number, message: string) =>
      JSON.stringify({
        __CURSOR: `s=1;i=${n}`,
        __REALTIME_TIMESTAMP: String(at * 1000),
        _SYSTEMD_UNIT: 'shop-api.service',
        PRIORITY: '3',
        MESSAGE: message,
      });
    const now = Date.now();
    const journal = join(dir, 'journal.json');
    writeFileSync(
      journal,
      `${[entry(now - 600_000, 1, 'upstream timed out'), entry(now - 300_000, 2, 'upstream timed out'), entry(now + 60_000, 3, 'live')].join('\n')}\n`,
    );
    const events: Extract<SourceEvent, { type: 'log-lines' }>[] = [];
    const src = new StreamingLogSource(
      {
        source: 'api',
        target: localTarget,
        argvFor: () => ['cat', journal],
        resumePoint: journaldCursor,
        lineTime: journaldTime,
      },
      (e) => {
        if (e.type === 'log-lines') events.push(e);
      },
    );
    src.start();
    await waitUntil(() => events.flatMap((e) => e.lines).length >= 3, 10_000, 'the three entries');
    src.stop();
    const readBack = events.filter((e) => e.readBack);
    expect(readBack.flatMap((e) => e.times)).toEqual([now - 600_000, now - 300_000]);
    expect(events.filter((e) => !e.readBack).flatMap((e) => e.lines)[0]).toContain('"live"');
    // The first run asks journald for the window, the newest `maxLines` of it; a resumed run, after
    // its cursor.
    const argv = journaldArgv('shop-api.service', { windowMs: 1_800_000, maxLines: 500 });
    const since = Number(
      argv(undefined)
        .join(' ')
        .match(/--since @(\d+) -n 500/)?.[1],
    );
    expect(Math.abs(since - Math.floor((Date.now() - 1_800_000) / 1000))).toBeLessThanOrEqual(1);
    expect(argv('s=1;i=3')).toEqual([
      'journalctl',
      '-f',
      '-o',
      'json',
      '-u',
      'shop-api.service',
      '--after-cursor',
      's=1;i=3',
    ]);
  });
});

describe('opsconsole logs', () => {
  it('filters by request id across formats and prints nothing hostile', async () => {
    const path = join(dir, 'mixed.log');
    writeFileSync(
      path,
      [
        '{"level":"info","msg":"start","request_id":"req-42"}',
        '{"level":"error","msg":"boom \\u001b]52;c;ZXZpbA==\\u0007 \\u001b[2J","request_id":"req-42","status":500}',
        'time=2026-11-21T10:00:00Z level=warn msg="slow" request_id=req-42',
        '2026-11-21 10:00:01 ERROR [req-42] plain text\rfailure',
        '{"level":"info","msg":"other","request_id":"req-420"}',
        '{"level":"info","msg":"mentions req-42 only in text","request_id":"req-7"}',
      ].join('\n'),
    );
    const r = await runLogs(['--file', path, '--request-id', 'req-42']);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(4);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stdout).toContain('␍');
    const errors = await runLogs(['--file', path, '--request-id', 'req-42', '--level', 'error', '--json']);
    expect(
      errors.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).level),
    ).toEqual(['error', 'error']);
  });

  it('reads command output without a shell and reports bad flags with exit 2', async () => {
    const cmd = await runLogs([
      '--cmd',
      JSON.stringify(['printf', '%s\\n', '{"level":"warn","msg":"x"}', 'plain']),
      '--level',
      'warn',
    ]);
    expect(cmd.stdout.trim()).toBe('{"level":"warn","msg":"x"}');
    const bad = await runLogs(['--file', 'x', '--level', 'loud']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--level: expected one of/);
  });

  it("--follow reads the config's logs as the console does: a command log and a file, merged by time", async () => {
    const app = join(dir, 'follow-app.log');
    writeFileSync(app, '{"level":"error","msg":"from the file"}\n');
    const config = join(dir, 'follow.yaml');
    writeFileSync(
      config,
      [
        'environments:',
        '  prod:',
        '    services:',
        '      api:',
        `        logs: [{ file: ${JSON.stringify(app)} }]`,
        '      worker:',
        "        logs: [{ command: [sh, -c, 'while true; do echo worker tick; sleep 0.2; done'] }]",
        '',
      ].join('\n'),
    );
    // head ends the follow (at the next line after it left); the command's output is a log too.
    const r = await runShell(`"$OC" logs --follow --config '${config}' | head -4`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('api: {"level":"error","msg":"from the file"}');
    expect(lines).toContain('worker: worker tick');
    expect(r.stderr).toBe('');
    // Without --follow, the file is read and the command log is said to need --follow.
    const once = await runShell(`"$OC" logs --config '${config}'`);
    expect(once.stdout).toBe('{"level":"error","msg":"from the file"}\n');
    expect(once.stderr).toMatch(/1 of the config's 2 logs .* are read with --follow/);
  });

  it('matches every line of the loghub samples the filter says it should', async () => {
    const fixture = join(process.cwd(), '..', 'shared', 'fixtures', 'loghub', 'Zookeeper_2k.log');
    const r = await runLogs(['--file', fixture, '--level', 'warn']);
    const { readFileSync } = await import('node:fs');
    const expected = readFileSync(fixture, 'utf8')
      .split('\n')
      .filter((l) => / - (WARN|ERROR|FATAL) /.test(l));
    expect(r.stdout.trim().split('\n')).toEqual(expected.map((l) => l.replace(/\r$/, '')));
  });
});

describe('the console filter language', () => {
  const rec = (line: string, source = 'api') => parseLine(line, { source, seq: 1, receivedAt: 0 });
  it.each([
    ['rid:req-1', '{"request_id":"req-1"}', true],
    ['rid:req-1', '{"request_id":"req-10"}', false],
    ['level:warn', '{"level":"error"}', true],
    ['level:warn', '{"level":"info"}', false],
    ['src:worker', '{"msg":"x"}', false],
    ['timeout -retry', 'a timeout happened', true],
    ['timeout -retry', 'a timeout, will retry', false],
    ['/5\\d\\d/', 'status 503', true],
  ])('%s on %s → %s', (query, line, expected) => {
    expect(matchesFilter(rec(line), parseFilterQuery(query))).toBe(expected);
  });
});

describe('opsconsole logs --follow over the local engine, with no configuration', () => {
  it('prints the containers’ backlogs merged by time, not one container after the other', async () => {
    const dockerd = new TestDockerd();
    await dockerd.start();
    try {
      dockerd.buildImage();
      // Two services logging at once, lines without a time of their own: only the engine knows when.
      for (const service of ['api', 'worker'])
        dockerd.docker(
          'run',
          '-d',
          '--name',
          `shop-${service}-1`,
          '--network',
          'none',
          '--label',
          'com.docker.compose.project=shop',
          '--label',
          `com.docker.compose.service=${service}`,
          TEST_IMAGE,
          'sh',
          '-c',
          `i=0; while true; do echo "${service} line $i"; i=$((i+1)); sleep 0.05; done`,
        );
      const home = mkdtempSync(join(tmpdir(), 'oc-merge-'));
      const env = {
        XDG_CONFIG_HOME: join(home, 'config'),
        OPSCONSOLE_STATE_DIR: join(home, 'state'),
        DOCKER_HOST: `unix://${dockerd.socket}`,
        KUBECONFIG: join(home, 'none'),
      };
      // A backlog of a few dozen lines each, interleaved in time.
      await waitUntil(
        () => (dockerd.docker('logs', 'shop-worker-1').match(/\n/g)?.length ?? 0) >= 40,
        60_000,
        'a backlog',
      );
      const r = await runShell(`timeout 20 "$OC" logs --follow | head -30`, env, home);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(30);
      // Merged by the engine's time, the oldest 30 lines hold both services' lines, not one's alone.
      const services = new Set(lines.map((l) => l.split(':')[0]));
      expect(services).toEqual(new Set(['api', 'worker']));
    } finally {
      await dockerd.stop();
    }
  }, 180_000);
});
