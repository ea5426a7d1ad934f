/** Exponential backoff after `failures` consecutive failures, capped at `maxMs`. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  // Full jitter on the upper half keeps clients that failed together from retrying together.
  return Math.round(exp / 2 + (random() * exp) / 2);
}
