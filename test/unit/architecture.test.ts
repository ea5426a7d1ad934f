import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering, enforced. Each layer lists the layers it may import from; anything else is a
 * failure, with no exceptions list. ARCHITECTURE.md explains the arrows. Views may import the
 * session layer's key table, and its types (erased at build time), never its services.
 */
const FOUNDATION = ['src/userError.ts', 'src/projectRoot.ts', 'src/text'];
const ALLOWED: Record<string, string[]> = {
  'src/model': [],
  'src/text': [],
  'src/userError.ts': [],
  'src/projectRoot.ts': [],
  'src/config': ['src/model', ...FOUNDATION],
  'src/files': [...FOUNDATION],
  'src/transport': ['src/model', 'src/config', 'src/files', ...FOUNDATION],
  'src/logs': ['src/model', ...FOUNDATION],
  'src/metrics': ['src/model', 'src/config', ...FOUNDATION],
  'src/incident': ['src/model', 'src/files', ...FOUNDATION],
  'src/logstore': ['src/model', 'src/logs', 'src/files', ...FOUNDATION],
  'src/export': ['src/model', 'src/incident', ...FOUNDATION],
  'src/playbooks': ['src/model', 'src/config', ...FOUNDATION],
  'src/sources': [
    'src/model',
    'src/transport',
    'src/logs',
    'src/metrics',
    'src/config',
    'src/files',
    ...FOUNDATION,
  ],
  'src/store': ['src/model', 'src/logs', 'src/metrics', 'src/config', ...FOUNDATION],
  'src/session': [
    'src/model',
    'src/store',
    'src/incident',
    'src/export',
    'src/playbooks',
    'src/logs',
    'src/logstore',
    'src/notify',
    'src/metrics',
    'src/transport',
    'src/files',
    'src/config',
    ...FOUNDATION,
  ],
  'src/notify': ['src/model', 'src/incident', 'src/files', 'src/config', ...FOUNDATION],
  'src/demo': ['src/model', 'src/sources', 'src/transport', 'src/files', 'src/config', ...FOUNDATION],
  views: ['src/model', 'src/store', 'src/logs', 'src/metrics', 'src/session/keymap.ts', ...FOUNDATION],
  'src/cli': ['*'],
};
/** What views may import for its types only. */
const VIEWS_TYPE_ONLY = ['src/session'];

const root = process.cwd();

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = (m[3] ?? m[4]) as string;
    let to = relative(root, resolve(dirname(join(root, file)), spec));
    if (!/\.tsx?$/.test(to)) {
      const candidates = [`${to}.ts`, `${to}.tsx`, join(to, 'index.ts')];
      to = candidates.find((c) => sourceFiles(dirname(c)).includes(c)) ?? `${to}.ts`;
    }
    out.push({ from: file, to, typeOnly: m[2] !== undefined });
  }
  return out;
}

function layerOf(file: string): string {
  return (
    Object.keys(ALLOWED)
      .filter((l) => file === l || file.startsWith(`${l}/`))
      .sort((a, b) => b.length - a.length)[0] ?? file
  );
}

const inLayer = (file: string, layer: string) => file === layer || file.startsWith(`${layer}/`);

/** The I/O modules a file imports at run time (`import type` is erased, so it does not count). */
function ioModulesOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const re =
    /(?:^|\n)\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(re)]
    .map((m) => (m[1] ?? m[2]) as string)
    .filter((spec) => /^(node:(fs|child_process|net)|fs|child_process|undici|execa|ssh2)(\/|$)/.test(spec));
}

/** "views/A.tsx → src/b.ts → src/c.ts": how the search from a view reached `file`. */
function pathTo(via: Map<string, string>, file: string): string {
  const chain = [file];
  for (let f = file; via.get(f) !== f; f = via.get(f) as string) chain.unshift(via.get(f) as string);
  return chain.join(' → ');
}

const files = [...sourceFiles('src'), ...sourceFiles('views')];
const imports = files.flatMap(importsOf);

describe('architecture: one-way layers', () => {
  it('every file belongs to a layer', () => {
    expect(files.filter((f) => !(layerOf(f) in ALLOWED))).toEqual([]);
  });

  it('imports only point the allowed ways (no exceptions)', () => {
    const forbidden = imports
      .filter(({ from, to, typeOnly }) => {
        const a = layerOf(from);
        const b = layerOf(to);
        if (a === b) return false;
        const allowed = ALLOWED[a] ?? [];
        if (allowed.includes('*') || allowed.some((l) => inLayer(to, l))) return false;
        return !(a === 'views' && typeOnly && VIEWS_TYPE_ONLY.some((l) => inLayer(to, l)));
      })
      .map(({ from, to }) => `${from} → ${to}`);
    expect(forbidden).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'visiting');
      stack.push(f);
      for (const t of graph.get(f) ?? []) visit(t);
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) visit(f);
    expect(cycles).toEqual([]);
  });

  it('no module a view loads, directly or through others, does I/O', () => {
    // Follow every import that survives the build (not `import type`) from each view through src/.
    const runtimeImports = new Map<string, string[]>();
    for (const i of imports)
      if (!i.typeOnly) runtimeImports.set(i.from, [...(runtimeImports.get(i.from) ?? []), i.to]);
    const offenders: string[] = [];
    for (const view of files.filter((f) => f.startsWith('views/'))) {
      const via = new Map<string, string>([[view, view]]);
      const queue = [view];
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        const io = ioModulesOf(f);
        if (io.length > 0) offenders.push(`${pathTo(via, f)} imports ${io.join(', ')}`);
        for (const to of runtimeImports.get(f) ?? [])
          if (!via.has(to)) {
            via.set(to, f);
            queue.push(to);
          }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('sources never import React or Ink, and views do no I/O', () => {
    const offenders = files.filter((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      if (f.startsWith('src/') && !f.startsWith('src/cli/') && /from ['"](react|ink)['"]/.test(text))
        return true;
      return (
        f.startsWith('views/') &&
        /from ['"](node:)?(fs|child_process|net|http|https)['"]|from ['"](undici|execa|ssh2)['"]/.test(text)
      );
    });
    expect(offenders).toEqual([]);
  });
});
