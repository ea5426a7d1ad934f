// Bundles the CLI so a launch loads a few files instead of compiling TypeScript or resolving
// hundreds of modules. dist/opsconsole.js checks the Node version, then loads the rest; code
// splitting keeps Ink, React and the views in a chunk that only the console loads.
//
// A launcher may start at any moment of a build (a test run rebuilds dist/ while other tests run
// the CLI), so the build never writes where the launcher reads. It bundles into dist/.build-XXXXXX,
// then renames its files into place: the chunks first (their names are hashes of their content, so
// a name already there holds the same bytes), then the demo service and the threads (the log store's, the PostgreSQL journal's), and the entry last. Each
// rename replaces one file whole, and the entry never names a chunk that is not there yet. Chunks of
// neither this build nor the one before are removed at the end: a launcher that read the previous
// entry just before the swap still finds every chunk it names. The rest of dist/ (the single
// executable, the test fixtures) is not this script's and is left alone.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const chunks = join(dist, 'chunks');
/** The files the last build put in place, relative to dist/. */
const manifest = join(dist, '.build-manifest.json');

const common = {
  ...bundleOptions,
  target: 'node22',
  external: ['ssh2', 'cpu-features', '@lydell/node-pty'],
  absWorkingDir: root,
  metafile: true,
};

mkdirSync(chunks, { recursive: true });
const staging = mkdtempSync(join(dist, '.build-'));
try {
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: { opsconsole: 'src/cli/entry.ts' },
      outdir: staging,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
    build({ ...common, entryPoints: ['src/demo/service.ts'], outfile: join(staging, 'demo-service.js') }),
    build({
      ...common,
      entryPoints: ['src/logstore/storeThread.ts'],
      outfile: join(staging, 'logstore-thread.js'),
    }),
    build({
      ...common,
      entryPoints: ['src/incident/postgres/journalThread.ts'],
      outfile: join(staging, 'journal-thread.js'),
    }),
  ]);
  const built = results
    .flatMap((r) => Object.keys(r.metafile.outputs))
    .map((p) => relative(staging, resolve(root, p)));
  const last = ['demo-service.js', 'logstore-thread.js', 'journal-thread.js', 'opsconsole.js'];
  for (const file of [...built.filter((f) => !last.includes(f)), ...last])
    renameSync(join(staging, file), join(dist, file));

  const previous = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : undefined;
  // With no manifest (a dist/ from before manifests) nothing is known to be stale: keep it all.
  if (Array.isArray(previous)) {
    const keep = new Set([...built, ...previous]);
    for (const f of readdirSync(chunks))
      if (!keep.has(`chunks/${f}`)) rmSync(join(chunks, f), { force: true });
  }
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify(built));
  renameSync(join(staging, 'manifest.json'), manifest);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
