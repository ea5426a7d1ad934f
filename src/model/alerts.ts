/** An alert as Alertmanager holds it, normalized: what the console, the CLI and triage read. */
export interface Alert {
  fingerprint: string;
  name: string;
  state: 'firing' | 'pending' | 'silenced' | 'inhibited';
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** The silences that hold it quiet, when silenced. */
  silencedBy: string[];
}

export interface Silence {
  id: string;
  state: 'active' | 'pending' | 'expired';
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

const SEVERITY_ORDER = ['critical', 'page', 'error', 'high', 'warning', 'medium', 'info', 'low', 'none'];

/** Most severe first, then the longest-standing, then by name (alerts of one batch share a start). */
export function alertOrder(a: Alert, b: Alert): number {
  const rank = (s: string) => {
    const i = SEVERITY_ORDER.indexOf(s.toLowerCase());
    return i === -1 ? SEVERITY_ORDER.length : i;
  };
  return rank(a.severity) - rank(b.severity) || a.startsAt - b.startsAt || a.name.localeCompare(b.name);
}

/**
 * The incident severity an alert's `severity` label suggests when declaring from it; the operator
 * still picks, Enter accepts the suggestion.
 */
export function proposedSeverity(severity: string): 'P1' | 'P2' | 'P3' | undefined {
  const s = severity.toLowerCase();
  if (s === 'critical' || s === 'page') return 'P1';
  if (s === 'error' || s === 'high') return 'P2';
  if (s === 'warning' || s === 'medium') return 'P3';
  return undefined;
}

/** Labels as `name=value` words, in their order, leaving out the names in `except`. */
export function labelText(labels: Record<string, string>, except: readonly string[] = []): string {
  return Object.entries(labels)
    .filter(([k]) => !except.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
