import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { KEYS, type PtyTerminal } from './ptyTerminal';

/**
 * A config for the demo whose critical rule holds 3 s instead of 2 min, and the sustained rollback
 * trigger 6 s instead of 10 min, so the alert fires and the trigger holds within a test.
 */
export function journeyConfig(dir: string): string {
  const path = join(dir, 'opsconsole.yaml');
  writeFileSync(
    path,
    [
      'environments:',
      '  demo: { services: {} }',
      'thresholds:',
      '  critical: { above: 0.05, for: 3s }',
      '  sustained: { above: 0.05, for: 6s }',
      '',
    ].join('\n'),
  );
  return path;
}

export const ratioOf = (service: string, s: string) =>
  Number(new RegExp(`\\b${service}\\s+(\\d+\\.\\d)%`, 'm').exec(s)?.[1] ?? Number.NaN);
export const apiRatio = (s: string) => ratioOf('api', s);

/**
 * The on-call journey, keys only: the alert fires, an incident is declared, a failing request is
 * followed across services and pinned, triage leads to the emergency rollback, which runs (typed
 * confirmation), the error rate falls, the incident is resolved and exported.
 */
export async function journey(
  t: PtyTerminal,
  stateDir: string,
): Promise<{ draft: string; keys: number; typed: number; investigation: number; seconds: number }> {
  await t.waitFor(/\bapi\s+\d+\.\d%.*CRIT FIRING/m, 60_000);
  const alertAt = performance.now();
  // Every keystroke counts (a typed word is a key per character): the mitigation's apart from the
  // investigation's (filter, pivot, pin), which show features rather than the shortest path.
  let keys = 0;
  let investigation = 0;
  let investigating = false;
  const press = (...input: string[]) => {
    for (const k of input) {
      const n = k.startsWith('\u001b') || k === KEYS.enter ? 1 : [...k].length;
      if (investigating) investigation += n;
      else keys += n;
      t.press(k);
    }
  };
  // The typed confirmation word, counted apart: the measure is the keys besides it.
  let typed = 0;
  const typeWord = (word: string) => {
    typed += [...word].length;
    t.press(word);
  };
  press('D');
  // The firing rule and the release before it name the incident; the critical rule proposes P1.
  await t.waitFor(/> api 5xx after v1\.5\.0/);
  press(KEYS.enter);
  await t.waitFor(/Severity \(Enter: P1, from the critical rule firing\)/);
  press(KEYS.enter);
  await t.waitFor(/P1 INVESTIGATING/);
  investigating = true;
  press('/');
  await t.waitFor(/Enter keep · Esc cancel/);
  press('level:error');
  press(KEYS.enter);
  await t.waitFor(/≥error/);
  await t.waitFor(/ ERR /);
  press('r');
  const pivot = await t.waitFor(/following request (req-[0-9a-f]+) across every source/);
  const rid = /following request (req-[0-9a-f]+)/.exec(pivot)?.[1] as string;
  await t.waitFor((s) => (s.match(new RegExp(rid, 'g')) ?? []).length >= 2 && /\+\d+ms/.test(s));
  press('p');
  await t.waitFor(/pinned a line of \w+/);
  investigating = false;
  press('T');
  // The data's account heads the triage: the change that came before the errors.
  await t.waitFor(/Data: api v1\.5\.0 at \d\d:\d\d:\d\d/);
  await t.waitFor(/Q: Is production down or severely degraded\?/);
  await t.waitFor(/Data says YES/);
  // a: the data's answers in a row (not an outage, not minor, not the infrastructure), up to the
  // first question only the operator can answer.
  press('a');
  await t.waitFor(/Q: Did the release run a database migration/);
  press('n');
  await t.waitFor(/Q: Is the cause understood/);
  press('n');
  await t.waitFor(/Q: Has a rollback trigger held for 10 minutes/);
  await t.waitFor(/Data says YES/);
  // The trigger held: a accepts it and follows the outcome into the emergency rollback.
  press('a');
  // Incident declared and the release to go back to are ticked from the data.
  await t.waitFor(/\[x\] 1 Incident declared and its severity set/);
  press(KEYS.enter);
  await t.waitFor(/Step: Roll api back to its previous release: v1\.5\.0 → v1\.4\.2/);
  await t.waitFor(/demo rollback api/);
  const before = apiRatio(await t.waitFor((s) => !Number.isNaN(apiRatio(s))));
  press('r');
  await t.waitFor(/Type "api" to run/);
  typeWord('api');
  press(KEYS.enter);
  // No key after the step: its verification follows on screen, judged on the data since the step
  // (how many requests, how long of the rule's hold time, the rule itself) until the rule clears.
  await t.waitFor(/Verify: The critical 5xx rule clears/, 60_000);
  await t.waitFor(/only the data since \d\d:\d\d:\d\d counts/);
  await t.waitFor(/api since the step: \d+ requests/);
  await t.waitFor(/error-ratio-critical firing/);
  const outcome = await t.waitFor(/Checklist: After the rollback/, 180_000);
  expect(before).toBeGreaterThan(5);
  // Passed only once the pane agrees: the rule that fired is no longer firing.
  expect(outcome).not.toMatch(/\bapi\b.*CRIT FIRING/m);
  press(KEYS.enter);
  await t.waitFor(/Outcome: Rolled back/);
  // S works from the triage view: no Esc. The gateway fails the api's errors on, and clears a little
  // after it; resolved before that, the console would ask "resolve anyway?" (tested on its own).
  // The RULE column shows each service's own rule (a downstream one's as "↳ after api", or "FIRING ↳
  // api" while it fires): resolve once neither fires, as the pane says, not only once the 1m
  // ratios dipped under the line. A warning still pending on the gateway's 5m window does not hold a
  // resolve back, and can take minutes to clear: it is not waited for.
  await t.waitFor(
    (s) =>
      ratioOf('gateway', s) <= 5 &&
      apiRatio(s) <= 5 &&
      !/\bgateway\s+\d+\.\d%.*FIRING/.test(s) &&
      !/\bapi\s+\d+\.\d%.*FIRING/.test(s),
    90_000,
  );
  press('S');
  await t.waitFor(/4 {2}resolved/);
  press('4');
  await t.waitFor(/P1 RESOLVED/);
  press('e');
  await t.waitFor(/post-mortem draft written to/);
  const seconds = (performance.now() - alertAt) / 1000;
  t.press('q');
  expect(await t.exited).toBe(0);
  expect(t.onAlternateScreen).toBe(false);
  const [file] = readdirSync(join(stateDir, 'exports'));
  const draft = readFileSync(join(stateDir, 'exports', file as string), 'utf8');
  return { draft, keys, typed, investigation, seconds };
}
