import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FileProblem,
  formatProblem,
  parseYamlText,
  readYamlFile,
  schemaProblems,
} from '../config/validatedYaml';
import { UserError } from '../userError';
import { BUILTIN_PARAMETERS, templateNames } from './parameters';
import { type Playbook, PlaybookSchema, successors, tagPlaybook } from './schema';

/** Graph problems: references to missing nodes, cycles, unreachable nodes, questions without answers. */
export function graphProblems(pb: Playbook): { path: (string | number)[]; message: string; hint?: string }[] {
  const problems: { path: (string | number)[]; message: string; hint?: string }[] = [];
  const ids = Object.keys(pb.nodes);
  if (!pb.nodes[pb.start]) {
    problems.push({
      path: ['start'],
      message: `start names "${pb.start}", which is not a node`,
      hint: `nodes: ${ids.join(', ')}`,
    });
    return problems;
  }
  for (const [id, node] of Object.entries(pb.nodes)) {
    if (node.kind === 'question') {
      const hasYesNo = node.yes !== undefined || node.no !== undefined;
      if (hasYesNo && node.choices)
        problems.push({ path: ['nodes', id], message: 'a question has either yes/no or choices, not both' });
      else if (!node.choices && (node.yes === undefined || node.no === undefined)) {
        problems.push({
          path: ['nodes', id],
          message: 'a yes/no question needs both "yes" and "no"',
          hint: 'add the missing branch, or use choices',
        });
      }
    }
    const fields: [string, string | undefined][] =
      node.kind === 'question'
        ? [
            ['yes', node.yes],
            ['no', node.no],
            ...(node.choices ?? []).map((c, i) => [`choices[${i}].next`, c.next] as [string, string]),
          ]
        : node.kind === 'outcome'
          ? []
          : node.kind === 'verify'
            ? [
                ['next', node.next],
                ['otherwise', node.otherwise],
              ]
            : [['next', node.next]];
    for (const [field, target] of fields) {
      if (target !== undefined && !pb.nodes[target]) {
        const path: (string | number)[] = [
          'nodes',
          id,
          ...field
            .replace(/\[(\d+)\]/, '.$1')
            .split('.')
            .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        ];
        problems.push({
          path,
          message: `"${target}" is not a node of this playbook`,
          hint: `nodes: ${ids.join(', ')}`,
        });
      }
    }
  }
  // Every {{name}} must be a declared parameter or a built-in.
  const known = new Set<string>([...Object.keys(pb.parameters), ...BUILTIN_PARAMETERS]);
  for (const [id, node] of Object.entries(pb.nodes)) {
    const texts: [(string | number)[], string][] =
      node.kind === 'command'
        ? [
            ...node.run.argv.map(
              (a, i) => [['nodes', id, 'run', 'argv', i], a] as [(string | number)[], string],
            ),
            [['nodes', id, 'run', 'host'], node.run.host ?? ''],
          ]
        : node.kind === 'verify'
          ? [[['nodes', id, 'verify'], JSON.stringify(node.verify)]]
          : node.kind === 'outcome' && node.watch
            ? [[['nodes', id, 'watch'], JSON.stringify(node.watch)]]
            : [];
    if (node.kind === 'outcome' && node.watch && !node.playbook)
      problems.push({
        path: ['nodes', id, 'watch'],
        message: 'a watch proposes a playbook when it holds, and this outcome names none',
        hint: 'add playbook: <id> (the one to propose), or remove watch',
      });
    for (const [path, text] of texts) {
      for (const name of templateNames(text)) {
        if (!known.has(name)) {
          problems.push({
            path,
            message: `{{${name}}} is not a parameter of this playbook`,
            hint: `declare it under parameters, or use one of: ${[...known].join(', ')}`,
          });
        }
      }
    }
  }
  // Cycles: a depth-first walk that meets a node still on its stack.
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    const node = pb.nodes[id];
    if (!node) return;
    state.set(id, 'open');
    for (const next of successors(node)) {
      if (state.get(next) === 'open') {
        problems.push({
          path: ['nodes', id],
          message: `cycle: ${[...trail, id, next].slice([...trail, id].indexOf(next)).join(' → ')}`,
          hint: 'a playbook must always move forward',
        });
      } else if (!state.has(next)) visit(next, [...trail, id]);
    }
    state.set(id, 'done');
  };
  visit(pb.start, []);
  for (const id of ids) {
    if (!state.has(id))
      problems.push({
        path: ['nodes', id],
        message: `node "${id}" cannot be reached from start "${pb.start}"`,
        hint: 'link to it or remove it',
      });
  }
  return problems;
}

/** Every problem of one playbook file, located; empty when it is valid. */
export function checkPlaybookText(
  file: string,
  text: string,
): { playbook?: Playbook; problems: FileProblem[] } {
  const parsed = parseYamlText(file, text, 'playbook');
  if (parsed.data === null || parsed.data === undefined)
    return { problems: [{ file, field: '', message: 'the file is empty' }] };
  const result = schemaProblems(file, parsed, PlaybookSchema);
  if (!result.ok) return { problems: result.problems };
  const playbook = tagPlaybook(result.value);
  const problems = graphProblems(playbook).map((p) => {
    const location = parsed.locate(p.path);
    return {
      file,
      field: p.path.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join(''),
      message: p.message,
      ...(p.hint && { hint: p.hint }),
      ...(location && { location }),
    };
  });
  return problems.length > 0 ? { problems } : { playbook, problems };
}

export function loadPlaybookFile(file: string): Playbook {
  const { playbook, problems } = checkPlaybookText(file, readYamlFile(file, 'playbook'));
  if (!playbook) {
    const [first, ...rest] = problems;
    throw new UserError(formatProblem('playbook', first as FileProblem, rest.length));
  }
  return playbook;
}

/** All playbooks in the given directories, by id; a duplicate id is an error. */
export function loadPlaybookDirs(dirs: string[]): Map<string, Playbook> {
  const out = new Map<string, Playbook>();
  const where = new Map<string, string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    } catch {
      throw new UserError(`opsconsole: cannot read playbook directory ${dir}`);
    }
    for (const f of files) {
      const path = join(dir, f);
      const pb = loadPlaybookFile(path);
      if (out.has(pb.id))
        throw new UserError(
          `opsconsole: playbook id "${pb.id}" is defined twice: ${where.get(pb.id)} and ${path}`,
        );
      out.set(pb.id, pb);
      where.set(pb.id, path);
    }
  }
  return out;
}

/** Outcome nodes that continue with another playbook must name one that exists. */
export function crossReferenceProblems(playbooks: Map<string, Playbook>): string[] {
  const out: string[] = [];
  for (const pb of playbooks.values()) {
    for (const [id, node] of Object.entries(pb.nodes)) {
      if (node.kind === 'outcome' && node.playbook && !playbooks.has(node.playbook)) {
        out.push(
          `playbook "${pb.id}", node ${id}: continues with playbook "${node.playbook}", which is not loaded`,
        );
      }
    }
  }
  return out;
}
