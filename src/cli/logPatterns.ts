import type { LogPattern } from '../logs/patterns/patternIndex';
import { inertJson } from '../text/inert';

const iso = (t: number) => new Date(t).toISOString();

/** Most frequent first; ties by first seen, so the order is stable run to run. */
export function patternOrder(a: LogPattern, b: LogPattern): number {
  return b.count - a.count || a.firstSeen - b.firstSeen || a.key.localeCompare(b.key);
}

/** One template as `logs --patterns --json` prints it: everything, the grouped line numbers included. */
export function patternJson(p: LogPattern): string {
  return inertJson({
    source: p.source,
    template: p.template,
    count: p.count,
    firstSeen: iso(p.firstSeen),
    lastSeen: iso(p.lastSeen),
    levels: p.levels,
    sample: p.sample,
    ...(p.sampleRequestId && { sampleRequestId: p.sampleRequestId }),
    lines: p.lines ?? [],
  });
}

/** Two lines per template for a person: count, first and last seen, where; then a sample. */
export function patternText(p: LogPattern, manySources: boolean): string {
  return `${String(p.count).padStart(7)}  ${iso(p.firstSeen)} … ${iso(p.lastSeen)}  ${manySources ? `${p.source}: ` : ''}${p.template}\n         e.g. ${p.sample}`;
}
