// The single executable's first code (CommonJS: what a Node 24 SEA runs). The console itself is an
// ES module bundle with top-level await (Ink's layout engine), which a Node 24 SEA cannot run as its
// main script, so it travels as an asset: extracted once per build into a private cache directory
// (0700, written whole then renamed into place) and imported from there.
const sea = require('node:sea');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const manifest = JSON.parse(sea.getAsset('manifest.json', 'utf8'));

function cacheRoot() {
  const home = process.env.XDG_CACHE_HOME || path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(home, 'opsconsole');
}

function extracted() {
  const root = cacheRoot();
  const dir = path.join(root, manifest.build);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const tmp = fs.mkdtempSync(path.join(root, '.extract-'));
  for (const file of manifest.files) {
    const to = path.join(tmp, file);
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    fs.writeFileSync(to, Buffer.from(sea.getRawAsset(file)), { mode: 0o600 });
  }
  fs.writeFileSync(path.join(tmp, '.complete'), manifest.build, { mode: 0o600 });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another start extracted the same build first: theirs is as good.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

let dir;
try {
  dir = extracted();
} catch (err) {
  process.stderr.write(
    `opsconsole: cannot unpack itself into ${cacheRoot()}: ${err.message}\n  fix: set XDG_CACHE_HOME to a writable directory\n`,
  );
  process.exit(2);
}
process.env.OPSCONSOLE_EXECUTABLE = process.execPath;
// `opsconsole __demo-service ...` is how the demo starts its services here: there is no Node to run a script with.
const demo = process.argv[2] === '__demo-service';
if (demo) process.argv.splice(2, 1);
import(pathToFileURL(path.join(dir, demo ? 'demo-service.mjs' : 'opsconsole.mjs')).href).catch((err) => {
  process.stderr.write(`opsconsole: ${err.message}\n`);
  process.exit(1);
});
