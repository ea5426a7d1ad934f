import { formatDuration } from './duration';

/** The parts of a diagnosis its one line names (the store's and the journal record's shapes both fit). */
export interface DiagnosisParts {
  change?: {
    service: string;
    to: string;
    at: number;
    delayMs?: number;
    replaced?: { to: string; at: number };
  };
  patterns: readonly { service: string; template: string; kind: string }[];
  origin?: { service: string; share: number; requests: number };
}

/** How long after the release the errors began; "with it" when they came with its first lines. */
export function delayText(delayMs: number | undefined): string {
  if (delayMs === undefined) return '';
  return delayMs < 1000 ? ', errors with it' : `, errors ${formatDuration(delayMs)} later`;
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const cut = (text: string, n: number) =>
  [...text].length > n ? `${[...text].slice(0, n - 1).join('')}…` : text;

/**
 * The diagnosis in one line: the change and its delay, the first failing template, the origin.
 * `templateChars` cuts the template for a header; the journal and the draft keep it whole.
 */
export function diagnosisLine(d: DiagnosisParts, templateChars = Number.POSITIVE_INFINITY): string {
  const parts: string[] = [];
  if (d.change)
    parts.push(
      d.change.replaced
        ? // It no longer runs: what it did is history, not "errors with" something running.
          `${d.change.service} ${d.change.to} at ${clock(d.change.at)}, replaced by ${d.change.replaced.to} at ${clock(d.change.replaced.at)}`
        : `${d.change.service} ${d.change.to} at ${clock(d.change.at)}${delayText(d.change.delayMs)}`,
    );
  const top = d.patterns[0];
  if (top) parts.push(`${top.kind} on ${top.service}: "${cut(top.template, templateChars)}"`);
  if (d.origin)
    parts.push(
      `origin ${d.origin.service} (${Math.round(d.origin.share * 100)}% of ${d.origin.requests} failing requests)`,
    );
  return parts.join(' · ');
}
