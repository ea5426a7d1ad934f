// The esbuild options the launcher's bundle (build.mjs) and the single executable's (dist.mjs) share.
import { readFileSync } from 'node:fs';

export const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Ink loads React DevTools only when DEV is set and the package is installed; a bundle never wants it.
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, () => ({ path: 'devtools', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};' }));
  },
};

/** An ES module bundle for Node, with `require` for the CommonJS packages inside it. */
export const bundleOptions = {
  plugins: [noDevtools],
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
  legalComments: 'none',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { OPSCONSOLE_VERSION: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
};
