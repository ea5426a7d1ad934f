import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossReferenceProblems, loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { loadScenarioFile } from '../../src/playbooks/scenarioFile';

/** A directory holding `files` (name → text). */
function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-pb-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const continuing = (id: string, next: string) =>
  `id: ${id}\ntitle: ${id}\nstart: ask\nnodes:\n  ask:\n    question: Go on?\n    yes: more\n    no: stop\n  more:\n    outcome: Go on\n    playbook: ${next}\n  stop:\n    outcome: Stop\n`;

describe('check across playbooks', () => {
  it('flags a playbook that continues into itself, at the file and line of its playbook:', () => {
    const dir = dirWith({ 'loop.yaml': continuing('loop', 'loop') });
    const problems = crossReferenceProblems(loadPlaybookDirs([dir]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'loop.yaml')}:11:15: .*loop → loop`));
  });

  it('flags two playbooks that continue into each other (and nothing on a chain that ends)', () => {
    const dir = dirWith({
      'a.yaml': continuing('a', 'b'),
      'b.yaml': continuing('b', 'a'),
      'c.yaml': continuing('c', 'a'),
    });
    const problems = crossReferenceProblems(loadPlaybookDirs([dir]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'b.yaml')}:11:15: .*a → b → a`));
    expect(crossReferenceProblems(loadPlaybookDirs([dirWith({ 'a.yaml': continuing('a', 'z') })]))).toEqual([
      expect.stringMatching(/a\.yaml:11:15: .*"z", which is not loaded/),
    ]);
  });
});

describe('check --scenarios reads what a case names', () => {
  const playbooks = loadPlaybookDirs([
    dirWith({ 'a.yaml': continuing('a', 'b').replace('    playbook: b\n', '') }),
  ]);
  const scenario = (cases: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'oc-sc-')), 'a.yaml');
    writeFileSync(file, `playbook: a\ncases:\n${cases}`);
    return file;
  };

  it("accepts a case whose expect and answers name the playbook's nodes", () => {
    const file = scenario('  - name: stop\n    facts: {}\n    answers: { ask: "no" }\n    expect: stop\n');
    expect(loadScenarioFile(file, playbooks).scenario.cases).toHaveLength(1);
  });

  it('flags an expect that is not a node and a misspelled answers key, each with file:line', () => {
    const file = scenario(
      '  - name: typo\n    facts: {}\n    answers: { aks: "yes", more: "no" }\n    expect: stpo\n',
    );
    let message = '';
    try {
      loadScenarioFile(file, playbooks);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`${file}:6:13`);
    expect(message).toMatch(/"stpo" is not a node of playbook "a"[\s\S]*did you mean "stop"/);
    expect(message).toContain(`${file}:5:16`);
    expect(message).toMatch(/"aks" is not a node of playbook "a"[\s\S]*did you mean "ask"/);
    expect(message).toContain(`${file}:5:28`);
    expect(message).toMatch(/node "more" of playbook "a" is not a yes\/no question/);
  });
});
