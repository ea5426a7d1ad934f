import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The opsconsole checkout this code runs from (bundled in dist/ or as source under src/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('opsconsole: cannot find its own package.json');
    dir = parent;
  }
  return dir;
}

/** The `bin/opsconsole` launcher, for playbook steps that call opsconsole itself. */
export function launcherPath(): string {
  return join(projectRoot(), 'bin', 'opsconsole');
}
