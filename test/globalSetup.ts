import { execFileSync } from 'node:child_process';

/** Tests run the built binary and the demo's service script, so build once before any test. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
