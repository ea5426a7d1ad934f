const BARS = '▁▂▃▄▅▆▇█';

/**
 * Draws values as block characters on a scale from 0 to `max`; unknown values are a gap (a space
 * would hide the difference between "no data" and "zero", so a dot is used).
 */
export function sparkline(values: (number | undefined)[], max: number): string {
  let out = '';
  for (const v of values) {
    if (v === undefined) {
      out += '·';
      continue;
    }
    const idx = max <= 0 ? 0 : Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5));
    out += BARS[Math.max(0, idx)];
  }
  return out;
}
