import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readUserFile } from '../config/userFile';
import {
  type FileProblem,
  formatProblem,
  type ParsedYaml,
  parseYamlText,
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

/** Where each loaded playbook was read from, so that problems across playbooks can say file:line. */
const readFrom = new WeakMap<Playbook, { file: string; locate: ParsedYaml['locate'] }>();

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
  if (problems.length > 0) return { problems };
  readFrom.set(playbook, { file, locate: parsed.locate });
  return { playbook, problems };
}

export function loadPlaybookFile(file: string, text = readUserFile(file, 'playbook')): Playbook {
  const { playbook, problems } = checkPlaybookText(file, text);
  if (!playbook) {
    const [first, ...rest] = problems;
    throw new UserError(formatProblem('playbook', first as FileProblem, rest));
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

/** The outcome nodes that continue with another playbook: from, node, to. */
function continuations(playbooks: Map<string, Playbook>): { from: Playbook; node: string; to: string }[] {
  return [...playbooks.values()].flatMap((from) =>
    Object.entries(from.nodes).flatMap(([node, n]) =>
      n.kind === 'outcome' && n.playbook ? [{ from, node, to: n.playbook }] : [],
    ),
  );
}

/**
 * Across playbooks: an outcome must continue with a playbook that is loaded, and continuing must
 * never come back round (a playbook that continues into itself, or A → B → A), which would walk an
 * operator in circles. Each problem starts with file:line:column of the `playbook:` that causes it.
 */
export function crossReferenceProblems(playbooks: Map<string, Playbook>): string[] {
  const out: string[] = [];
  const edges = continuations(playbooks);
  const at = (pb: Playbook, node: string) => {
    const where = readFrom.get(pb);
    const pos = where?.locate(['nodes', node, 'playbook']);
    return `${where?.file ?? `playbook "${pb.id}"`}${pos ? `:${pos.line}:${pos.column}` : ''}`;
  };
  for (const { from, node, to } of edges) {
    if (!playbooks.has(to))
      out.push(
        `${at(from, node)}: playbook "${from.id}", node ${node}: continues with playbook "${to}", which is not loaded`,
      );
  }
  // Cycles among playbooks: a depth-first walk over the continuations, iterative (no deep recursion).
  const state = new Map<string, 'open' | 'done'>();
  for (const root of playbooks.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number; out: typeof edges }[] = [];
    const enter = (id: string) => {
      state.set(id, 'open');
      stack.push({ id, next: 0, out: edges.filter((e) => e.from.id === id && playbooks.has(e.to)) });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      const edge = top.out[top.next++];
      if (!edge) {
        state.set(top.id, 'done');
        stack.pop();
      } else if (state.get(edge.to) === 'open') {
        const trail = stack.map((f) => f.id);
        const loop = [...trail.slice(trail.indexOf(edge.to)), edge.to].join(' → ');
        out.push(
          `${at(edge.from, edge.node)}: playbook "${edge.from.id}", node ${edge.node}: continues with playbook "${edge.to}", which leads back here: ${loop}\n    fix: end one of these playbooks with an outcome that does not continue`,
        );
      } else if (!state.has(edge.to)) enter(edge.to);
    }
  }
  return out;
}
