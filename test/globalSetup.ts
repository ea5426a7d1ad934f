import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';

/**
 * Tests run the built binary and the demo's service script, so build once before any test; and
 * the child-process fixtures (crash and concurrency tests) are bundled into runnable files.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  buildSync({
    entryPoints: ['test/fixtures/journalWriter.ts', 'test/fixtures/atomicWriter.ts'],
    outdir: 'dist/test-fixtures',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'warning',
  });
}
