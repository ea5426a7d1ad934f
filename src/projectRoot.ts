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

/**
 * The single executable this runs in, when it does (`npm run dist`): its bootstrap says so. There
 * `process.execPath` is opsconsole itself, not a Node that could run a script.
 */
export function singleExecutable(): string | undefined {
  return process.env.OPSCONSOLE_EXECUTABLE || undefined;
}

/** The `bin/opsconsole` launcher (or the single executable), for playbook steps that call opsconsole itself. */
export function launcherPath(): string {
  return singleExecutable() ?? join(projectRoot(), 'bin', 'opsconsole');
}

/** How to start a demo service: Node on its script, or the single executable's hidden subcommand. */
export function demoServiceCommand(script?: string): string[] {
  const exe = singleExecutable();
  if (exe && !script) return [exe, '__demo-service'];
  return [process.execPath, script ?? join(projectRoot(), 'dist', 'demo-service.js')];
}

/**
 * The log store's threads (the writer, the searches): their own file in the bundle, because a worker thread starts from a
 * script (in the single executable, the unpacked one beside the console's).
 */
export function logStoreThreadScript(): string {
  return singleExecutable()
    ? join(projectRoot(), 'logstore-thread.mjs')
    : join(projectRoot(), 'dist', 'logstore-thread.js');
}

/** The PostgreSQL journal's thread (`store: postgres://…`): the database client runs there. */
export function journalThreadScript(): string {
  return singleExecutable()
    ? join(projectRoot(), 'journal-thread.mjs')
    : join(projectRoot(), 'dist', 'journal-thread.js');
}
