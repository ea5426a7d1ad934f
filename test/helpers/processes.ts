import { readdirSync, readFileSync } from 'node:fs';

/** PIDs of live processes whose environment contains `marker`, e.g. a unique state directory. */
export function processesWithEnv(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

/**
 * Waits for `check` to hold, asking every 50 ms; `tick` runs between asks (an ingest's flush, so
 * what the sources sent reaches the store).
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  tick?: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
    tick?.();
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
}
