// `npm run dist`: opsconsole as one file for linux-x64, a Node single executable application (SEA):
// the Node binary this checkout runs on, with a blob holding the bootstrap (scripts/seaBoot.cjs) and,
// as assets, one ES module bundle of the CLI (ssh2 included, its optional native addons left out:
// it falls back to JavaScript crypto), the demo service, the playbooks and a package.json. Then the
// man page, the completions and a .deb that installs them with the executable.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleOptions, pkg } from './bundleOptions.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist', 'sea');
const platform = `linux-${arch() === 'arm64' ? 'arm64' : 'x64'}`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  ...bundleOptions,
  target: 'node24',
  // Bundled CommonJS packages (ssh2) expect __filename and __dirname too.
  banner: {
    js: [
      bundleOptions.banner.js,
      "import { fileURLToPath as __fu } from 'node:url';",
      "import { dirname as __dn } from 'node:path';",
      'const __filename = __fu(import.meta.url);',
      'const __dirname = __dn(__filename);',
    ].join(' '),
  },
  // Native addons stay out: ssh2 and the Kubernetes client load them only when present.
  external: ['cpu-features', '*.node', '@lydell/node-pty'],
};
const app = join(out, 'app');
mkdirSync(join(app, 'playbooks'), { recursive: true });
// Split as dist/ is: a --version or a `logs` never parses the console's Ink, React and views.
await build({
  ...common,
  entryPoints: {
    opsconsole: join(root, 'src/cli/entry.ts'),
    'demo-service': join(root, 'src/demo/service.ts'),
    'logstore-thread': join(root, 'src/logstore/storeThread.ts'),
    'journal-thread': join(root, 'src/incident/postgres/journalThread.ts'),
  },
  outdir: app,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
for (const f of readdirSync(join(root, 'playbooks')))
  if (f.endsWith('.yaml') || f.endsWith('.json'))
    copyFileSync(join(root, 'playbooks', f), join(app, 'playbooks', f));
// projectRoot() finds the package by its package.json; the demo fleet runs dist/demo-service.js only under Node.
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'opsconsole', version: pkg.version, type: 'module' }),
);

const files = [];
const walk = (dir, prefix = '') => {
  for (const f of readdirSync(dir)) {
    const rel = prefix ? `${prefix}/${f}` : f;
    if (statSync(join(dir, f)).isDirectory()) walk(join(dir, f), rel);
    else files.push(rel);
  }
};
walk(app);
const hash = createHash('sha256');
for (const f of files.sort()) hash.update(f).update(readFileSync(join(app, f)));
const manifest = { build: `${pkg.version}-${hash.digest('hex').slice(0, 12)}`, files };
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));

const node = realpathSync(join(root, 'node_modules', '.bin', 'node'));
const exe = join(root, 'dist', `opsconsole-${platform}`);
writeFileSync(
  join(out, 'sea-config.json'),
  JSON.stringify({
    main: join(root, 'scripts', 'seaBoot.cjs'),
    output: join(out, 'sea.blob'),
    disableExperimentalSEAWarning: true,
    // The code cache is built by this very Node, the one copied below, as it must be.
    useCodeCache: true,
    assets: Object.fromEntries([
      ['manifest.json', join(out, 'manifest.json')],
      ...files.map((f) => [f, join(app, f)]),
    ]),
  }),
);
execFileSync(node, ['--experimental-sea-config', join(out, 'sea-config.json')], { stdio: 'inherit' });
copyFileSync(node, exe);
chmodSync(exe, 0o755);
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', 'postject', 'dist', 'cli.js'),
    exe,
    'NODE_SEA_BLOB',
    join(out, 'sea.blob'),
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

// The man page and completions, from the executable's own command table.
const run = (...args) =>
  execFileSync(exe, args, { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(out, 'cache') } });
const man = run('man');
const bash = run('completion', 'bash');
const zsh = run('completion', 'zsh');
writeFileSync(join(root, 'dist', 'opsconsole.1'), man);
writeFileSync(join(root, 'dist', 'opsconsole.bash'), bash);
writeFileSync(join(root, 'dist', '_opsconsole'), zsh);

// A .deb, built by dpkg-deb with no network: the executable, the man page and the completions.
const debArch = arch() === 'arm64' ? 'arm64' : 'amd64';
const debRoot = join(out, 'deb');
const put = (path, content, mode = 0o644) => {
  mkdirSync(join(debRoot, path, '..'), { recursive: true });
  writeFileSync(join(debRoot, path), content, { mode });
  chmodSync(join(debRoot, path), mode);
};
mkdirSync(join(debRoot, 'usr', 'bin'), { recursive: true });
copyFileSync(exe, join(debRoot, 'usr', 'bin', 'opsconsole'));
chmodSync(join(debRoot, 'usr', 'bin', 'opsconsole'), 0o755);
put('usr/share/man/man1/opsconsole.1.gz', gzipSync(man, { level: 9 }));
put('usr/share/bash-completion/completions/opsconsole', bash);
put('usr/share/zsh/vendor-completions/_opsconsole', zsh);
put(
  'DEBIAN/control',
  [
    'Package: opsconsole',
    `Version: ${pkg.version}`,
    'Section: admin',
    'Priority: optional',
    `Architecture: ${debArch}`,
    'Maintainer: opsconsole developers <opsconsole@localhost>',
    `Installed-Size: ${Math.ceil(statSync(exe).size / 1024)}`,
    `Description: ${pkg.description}`,
    ' One file with its own Node.js: containers, error rates and logs side by side, guided triage,',
    ' runbook steps run safely, and an incident timeline exported as a post-mortem draft.',
    '',
  ].join('\n'),
);
const deb = join(root, 'dist', `opsconsole_${pkg.version}_${debArch}.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '--build', debRoot, deb], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const mb = (p) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MB`;
console.log(`${exe}: ${mb(exe)}\n${deb}: ${mb(deb)}`);
