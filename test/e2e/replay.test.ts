import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load';
import { decodeRecording } from '../../src/logstore/recordingFile';
import type { JournalRecord } from '../../src/model/journalRecord';
import { loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { walkRecording } from '../../src/session/replay/recordedScenario';
import { BIN, runCli } from '../helpers/cli';
import { journey, journeyConfig } from '../helpers/demoJourney';
import { KEYS, PtyTerminal } from '../helpers/ptyTerminal';

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const at = (r: JournalRecord) => Date.parse(r.at ?? r.ts);

/** The replay's clock as its header shows it. */
const replayClock = (screen: string) => /(?:REPLAY|PRACTICE) (\d\d:\d\d:\d\d)Z/.exec(screen)?.[1];

describe('a recorded incident, replayed', () => {
  it('records the demo through its bad deploy and rollback, then replays, practises and tests it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-replay-'));
    const config = journeyConfig(stateDir);
    const live = new PtyTerminal(BIN, ['demo', '--config', config, '--deploy-after', '1s', '--rps', '40'], {
      env: { OPSCONSOLE_STATE_DIR: stateDir },
    });
    await journey(live, stateDir);
    const [journalFile] = readdirSync(join(stateDir, 'incidents')).filter((f) => f.endsWith('.jsonl'));
    const id = (journalFile as string).slice(0, -'.jsonl'.length);
    const journalPath = join(stateDir, 'incidents', journalFile as string);
    const records = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalRecord);
    const fired = records.find(
      (r) => r.kind === 'rule.fired' && (r.payload as { service?: string }).service === 'api',
    ) as JournalRecord;
    const rollback = records.find(
      (r) => r.kind === 'step.result' && /Roll api back/.test((r.payload as { step: string }).step),
    ) as JournalRecord;
    expect(fired).toBeDefined();
    expect(rollback).toBeDefined();

    // Exported: one file, private, that another machine can play.
    const file = join(mkdtempSync(join(tmpdir(), 'oc-rec-')), 'incident.opsrec');
    const exported = await runCli(['export', id, '--recording', file, '--config', config], {
      env: { OPSCONSOLE_STATE_DIR: stateDir },
    });
    expect(exported.stderr).toMatch(/wrote .*incident\.opsrec \(\d+ log lines, \d+ events, \d+ records\)/);
    expect(exported.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const recording = decodeRecording(readFileSync(file), 'incident.opsrec');
    expect(recording.events.some((e) => e.e.type === 'container')).toBe(true);

    // Replayed in a fresh state directory, paused a second and a half before the rule fired live.
    const fresh = mkdtempSync(join(tmpdir(), 'oc-replay-fresh-'));
    const firedAt = at(fired);
    const replay = new PtyTerminal(
      BIN,
      ['replay', file, '--config', config, '--paused', '--from', new Date(firedAt - 1500).toISOString()],
      { env: { OPSCONSOLE_STATE_DIR: fresh }, columns: 120, rows: 30 },
    );
    const before = await replay.waitFor(/REPLAY \d\d:\d\d:\d\dZ ×1 PAUSED/);
    expect(before).not.toMatch(/\bapi\s+\d+\.\d%.*CRIT FIRING/m);
    // Two seconds on, the replayed rule fires: half a second after its live time at most.
    replay.press('.');
    await replay.waitFor((s) => replayClock(s) === clock(firedAt - 500));
    replay.press('.');
    await replay.waitFor(/\bapi\s+\d+\.\d%.*CRIT FIRING/m);
    // The diagnosis, computed afresh from the recorded signals, names the release (i: in full).
    replay.press('i');
    await replay.waitFor(/api v1\.5\.0 at \d\d:\d\d:\d\d/);
    replay.press(KEYS.escape);
    await replay.waitFor((s) => !s.includes('What the data says'));
    // Acting is refused: a replay only plays back.
    replay.press('D');
    await replay.waitFor(/a replay only plays back what was recorded/);
    // Entry by entry, the timeline reaches the rollback at the time it was recorded.
    replay.press('t');
    const rollbackRow = new RegExp(`${clock(at(rollback))} Ran Roll api back`);
    const entryOf = (s: string) => Number(/entry (\d+) of \d+/.exec(s)?.[1] ?? 0);
    for (let last = 0, i = 0; i < 80 && !rollbackRow.test(replay.text()); i++) {
      replay.press(']');
      const s = await replay.waitFor((screen) => entryOf(screen) > last || /no later entry/.test(screen));
      last = entryOf(s);
    }
    await replay.waitFor(rollbackRow);
    replay.press('q');
    expect(await replay.exited).toBe(0);
    expect(replay.onAlternateScreen).toBe(false);

    // Practice: the trainee declares and triages, and answers the rollback trigger "no".
    const practice = new PtyTerminal(
      BIN,
      [
        'replay',
        file,
        '--config',
        config,
        '--practice',
        '--paused',
        '--from',
        new Date(firedAt + 500).toISOString(),
      ],
      { env: { OPSCONSOLE_STATE_DIR: fresh } },
    );
    await practice.waitFor(/PRACTICE \d\d:\d\d:\d\dZ ×1 PAUSED/);
    // The real record is hidden.
    expect(practice.text()).not.toContain(id);
    practice.press('D');
    await practice.waitFor(/> api 5xx after v1\.5\.0/);
    practice.press(KEYS.enter);
    await practice.waitFor(/Severity \(Enter: P1/);
    practice.press(KEYS.enter);
    await practice.waitFor(/P1 INVESTIGATING/);
    practice.press('T');
    await practice.waitFor(/Q: Is production down or severely degraded\?/);
    practice.press('a');
    await practice.waitFor(/Q: Did the release run a database migration/);
    practice.press('n');
    await practice.waitFor(/Q: Is the cause understood/);
    practice.press('n');
    await practice.waitFor(/Q: Has a rollback trigger held for 10 minutes/);
    practice.press('n');
    await practice.waitFor(/Outcome: Watch and prepare the rollback/);
    practice.press('q');
    expect(await practice.exited).toBe(0);
    const compared = practice.text();
    expect(compared).toMatch(/decision, real: +Emergency rollback/);
    expect(compared).toMatch(/decision, yours: +Watch and prepare the rollback/);
    expect(compared).toMatch(/paths: at rollback-trigger: you answered no, the real responders yes/);
    // The trainee's incident is their own; the real one is as it was.
    const [practiceDir] = readdirSync(join(fresh, 'practice'));
    const practiceFiles = readdirSync(join(fresh, 'practice', practiceDir as string, 'incidents'));
    expect(practiceFiles.filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
    expect(readFileSync(journalPath, 'utf8').trim().split('\n').length).toBe(records.length + 1);

    // As a scenario: the recording passes with the shipped playbooks...
    const scenario = await runCli(['check', '--scenarios', file, '--config', config]);
    expect(scenario.stdout).toMatch(/PASS {2}inc-/);
    expect(scenario.stdout).toMatch(/→ go-emergency-rollback/);
    expect(scenario.code).toBe(0);
    // ...and fails when the triage is changed to reach another outcome on the same answers.
    const thresholds = loadConfigFile(config).config.thresholds;
    const playbooks = loadPlaybookDirs([join(process.cwd(), 'playbooks')]);
    const triage = playbooks.get('triage');
    const trigger = triage?.nodes['rollback-trigger'] as { yes: string };
    trigger.yes = 'go-watch-and-prepare';
    const changed = walkRecording(recording, playbooks, thresholds);
    expect(changed.passed).toBe(false);
    expect(changed.problem).toMatch(
      /reached "Watch and prepare the rollback", the responders reached "Emergency rollback"/,
    );
  }, 360_000);
});
