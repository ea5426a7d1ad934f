import { readUserFile } from '../config/userFile';
import {
  type FileProblem,
  fieldPath,
  formatProblem,
  parseYamlText,
  schemaProblems,
} from '../config/validatedYaml';
import { closest } from '../text/closest';
import { UserError } from '../userError';
import { type ScenarioFile, ScenarioFileSchema } from './scenarios';
import type { Playbook } from './schema';

/**
 * What a scenario file names in its playbook: `expect` must be a node, and every `answers` key a
 * yes/no question, or a misspelling would quietly turn a case into one that tests nothing.
 */
function referenceProblems(
  scenario: ScenarioFile,
  playbook: Playbook,
): { path: (string | number)[]; message: string; hint: string; keyNode?: boolean }[] {
  const nodes = Object.keys(playbook.nodes);
  const questions = Object.entries(playbook.nodes)
    .filter(([, n]) => n.kind === 'question' && !n.choices)
    .map(([id]) => id);
  const suggest = (word: string, among: string[]) => {
    const guess = closest(word, among);
    return guess ? `did you mean "${guess}"?` : `one of: ${among.join(', ')}`;
  };
  return scenario.cases.flatMap((c, i) => [
    ...(playbook.nodes[c.expect]
      ? []
      : [
          {
            path: ['cases', i, 'expect'],
            message: `"${c.expect}" is not a node of playbook "${playbook.id}"`,
            hint: suggest(c.expect, nodes),
          },
        ]),
    ...Object.keys(c.answers)
      .filter((id) => !questions.includes(id))
      .map((id) => ({
        path: ['cases', i, 'answers', id],
        keyNode: true,
        message: playbook.nodes[id]
          ? `node "${id}" of playbook "${playbook.id}" is not a yes/no question; an answer to it is never read`
          : `"${id}" is not a node of playbook "${playbook.id}"`,
        hint: suggest(id, questions),
      })),
  ]);
}

/**
 * Reads a scenario file and finds its playbook among those loaded; every problem (schema, a missing
 * playbook, a case naming a node that does not exist) is reported with file:line, all of them.
 */
export function loadScenarioFile(
  file: string,
  playbooks: Map<string, Playbook>,
): { scenario: ScenarioFile; playbook: Playbook } {
  const kind = 'scenario file';
  const parsed = parseYamlText(file, readUserFile(file, kind), kind);
  if (parsed.data === null || parsed.data === undefined)
    throw new UserError(formatProblem(kind, { file, field: '', message: 'the file is empty' }));
  const result = schemaProblems(file, parsed, ScenarioFileSchema);
  if (!result.ok) {
    const [first, ...rest] = result.problems;
    throw new UserError(formatProblem(kind, first as FileProblem, rest));
  }
  const scenario = result.value;
  const playbook = playbooks.get(scenario.playbook);
  if (!playbook) {
    const location = parsed.locate(['playbook']);
    throw new UserError(
      formatProblem(kind, {
        file,
        field: 'playbook',
        message: `no playbook "${scenario.playbook}" is loaded`,
        hint: `one of: ${[...playbooks.keys()].join(', ')}`,
        ...(location && { location }),
      }),
    );
  }
  const problems = referenceProblems(scenario, playbook).map((p): FileProblem => {
    const location = parsed.locate(p.path, p.keyNode);
    return {
      file,
      field: fieldPath(p.path),
      message: p.message,
      hint: p.hint,
      ...(location && { location }),
    };
  });
  if (problems.length > 0) throw new UserError(problems.map((p) => formatProblem(kind, p)).join('\n'));
  return { scenario, playbook };
}
