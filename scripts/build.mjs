// Bundles the CLI so a launch loads a few files instead of compiling TypeScript or resolving
// hundreds of modules. dist/opsconsole.js checks the Node version, then loads the rest; code
// splitting keeps Ink, React and the views in a chunk that only the console loads.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

const common = {
  ...bundleOptions,
  target: 'node22',
  external: ['ssh2', 'cpu-features', '@lydell/node-pty'],
};

rmSync(new URL('../dist/chunks', import.meta.url), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { opsconsole: 'src/cli/entry.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({ ...common, entryPoints: ['src/demo/service.ts'], outfile: 'dist/demo-service.js' }),
]);
