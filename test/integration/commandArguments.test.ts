import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderArgv, validateParameter } from '../../src/playbooks/parameters';
import { localTarget } from '../../src/transport/localCommand';

const dir = mkdtempSync(join(tmpdir(), 'oc-args-'));
const canary = join(dir, 'canary');
const WRITE_ARG = "require('fs').writeFileSync(process.argv[1], process.argv[2])";

const INJECTIONS = [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `; touch ${canary}`,
  `| touch ${canary}`,
  `&& touch ${canary}`,
  `'; touch ${canary}; '`,
  `"; touch ${canary}; "`,
  `\n touch ${canary}`,
  `$IFS;touch$IFS${canary}`,
  '--help',
  '-rf /',
];

describe('command steps pass parameters as single arguments (local, no shell)', () => {
  it('arbitrary strings arrive byte-identical and never run anything (property)', async () => {
    const out = join(dir, 'out');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', minLength: 1, maxLength: 60 })),
        async (raw) => {
          const value = raw.replaceAll('\u0000', '');
          fc.pre(value.length > 0);
          const param = validateParameter('note', { type: 'text' }, value);
          const argv = renderArgv([process.execPath, '-e', WRITE_ARG, out, '{{note}}'], { note: param });
          const result = await localTarget.run(argv, { timeoutMs: 10_000 });
          expect(result.exitCode).toBe(0);
          expect(readFileSync(out, 'utf8')).toBe(value);
          expect(existsSync(canary)).toBe(false);
          rmSync(out, { force: true });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a timeout kills the process and says so', async () => {
    const r = await localTarget.run(['sleep', '30'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it('cancelling (Ctrl-C in the console) kills the process', async () => {
    const controller = new AbortController();
    const pending = localTarget.run(['sleep', '30'], { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const r = await pending;
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it('captures bounded, sanitized output and a missing program as exit 127', async () => {
    const r = await localTarget.run(
      [process.execPath, '-e', "process.stdout.write('\\u001b]52;c;eA==\\u0007ok\\n' + 'x'.repeat(100000))"],
      { timeoutMs: 10_000 },
    );
    expect(r.output).not.toContain('\u001b');
    expect(r.output).toContain('earlier bytes not kept');
    expect(r.outputBytes).toBeGreaterThan(100_000);
    const missing = await localTarget.run(['/nonexistent/program'], { timeoutMs: 5000 });
    expect(missing.exitCode).toBe(127);
  });
});
