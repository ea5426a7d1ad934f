// Bundles the CLI so a launch loads a few files instead of compiling TypeScript or resolving
// hundreds of modules. dist/opsconsole.js checks the Node version, then loads the rest; code
// splitting keeps Ink, React and the views in a chunk that only the console loads.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Ink loads React DevTools only when DEV is set and the package is installed; the bundle never wants it.
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, () => ({ path: 'devtools', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};' }));
  },
};

const common = {
  plugins: [noDevtools],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  logLevel: 'warning',
  legalComments: 'none',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { OPSCONSOLE_VERSION: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
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
