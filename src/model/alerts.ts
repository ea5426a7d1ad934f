import { RE2JS } from 're2js';

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

/** A Prometheus alerting rule: its expression and `for`, and whether it holds now. */
export interface AlertRule {
  name: string;
  group: string;
  query: string;
  forMs: number;
  state: 'inactive' | 'pending' | 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One matcher of a silence, as Alertmanager's API v2 writes it. */
export interface AlertMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  state: 'active' | 'pending' | 'expired';
  matchers: AlertMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** Orders names as people read them: Rule9 before Rule10. */
export const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

const SEVERITY_ORDER = ['critical', 'page', 'error', 'high', 'warning', 'medium', 'info', 'low', 'none'];

/** Most severe first, then the longest-standing, then by name (alerts of one batch share a start). */
export function alertOrder(a: Alert, b: Alert): number {
  const rank = (s: string) => {
    const i = SEVERITY_ORDER.indexOf(s.toLowerCase());
    return i === -1 ? SEVERITY_ORDER.length : i;
  };
  return rank(a.severity) - rank(b.severity) || a.startsAt - b.startsAt || naturalOrder(a.name, b.name);
}

/** Alert `severity` label → incident severity, when the environment does not say otherwise. */
export const DEFAULT_SEVERITY_MAP: Readonly<Record<string, string>> = {
  critical: 'P1',
  page: 'P1',
  error: 'P2',
  high: 'P2',
  warning: 'P3',
  medium: 'P3',
};

/**
 * The incident severity an alert's `severity` label suggests when declaring from it, from the
 * environment's map (case-insensitive); the operator still picks, Enter accepts the suggestion.
 */
export function proposedSeverity(
  severity: string,
  map: Readonly<Record<string, string>> = DEFAULT_SEVERITY_MAP,
): string | undefined {
  const s = severity.toLowerCase();
  return Object.entries(map).find(([k]) => k.toLowerCase() === s)?.[1];
}

/**
 * The matchers that catch exactly these alerts' shared identity: every label they all carry with the
 * same value, as an equality. For one alert that is all of its labels, so the silence can be no
 * broader than the alert itself; anything broader needs the operator to edit it, visibly.
 */
export function identifyingMatchers(alerts: readonly Alert[]): AlertMatcher[] {
  const [first, ...rest] = alerts;
  if (!first) return [];
  return Object.entries(first.labels)
    .filter(([k, v]) => rest.every((a) => a.labels[k] === v))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

/**
 * A matcher's regex as Alertmanager runs it: anchored, with RE2's syntax and its linear-time
 * matching (Go's regexp). V8's backtracking engine hangs on `(a+)+$`; RE2 cannot. Undefined when
 * RE2 refuses the pattern, as Alertmanager would.
 */
export function matcherRegex(value: string): RE2JS | undefined {
  try {
    return RE2JS.compile(`^(?:${value})$`);
  } catch {
    return undefined;
  }
}

/** One matcher as a test of a label value (the regex compiled once, not once per alert). */
function matcherTest(m: AlertMatcher): (value: string) => boolean {
  if (!m.isRegex) return (v) => (v === m.value) === m.isEqual;
  const re = matcherRegex(m.value);
  return re ? (v) => re.matches(v) === m.isEqual : () => false;
}

/** Whether a silence with these matchers would hold this alert quiet (Alertmanager's rules). */
export function matchersCatch(matchers: readonly AlertMatcher[], alert: Alert): boolean {
  return silenceCatches(matchers)(alert);
}

/** `matchersCatch` for many alerts: each regex compiled once. */
export function silenceCatches(matchers: readonly AlertMatcher[]): (alert: Alert) => boolean {
  const tests = matchers.map((m) => ({ name: m.name, test: matcherTest(m) }));
  return (alert) => tests.every((t) => t.test(alert.labels[t.name] ?? ''));
}

/**
 * Whether a silence with these matchers would match every alert: Alertmanager refuses one with no
 * matcher that requires a non-empty value.
 */
export function matchesEverything(matchers: readonly AlertMatcher[]): boolean {
  return !matchers.some(
    (m) => m.isEqual && (m.isRegex ? matcherRegex(m.value)?.matches('') === false : m.value !== ''),
  );
}

/**
 * Control characters, DEL, C1 and bidi overrides: a silence holding one would be shown inert (or
 * rewritten) to the operator and sent raw, so what they confirm would not be what is sent.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Whether the text holds a character that cannot be shown as itself (see CONTROL). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** A matcher as the operator writes it: name=value, name!=value, name=~regex or name!~regex. */
export function matcherText(m: AlertMatcher): string {
  const value = /[\s"]/.test(m.value) || m.value === '' ? JSON.stringify(m.value) : m.value;
  return `${m.name}${m.isEqual ? (m.isRegex ? '=~' : '=') : m.isRegex ? '!~' : '!='}${value}`;
}

/** Space-separated matchers (a value with spaces in double quotes); undefined names the bad word. */
export function parseMatchers(text: string): { matchers: AlertMatcher[] } | { bad: string } {
  const words = text.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const matchers: AlertMatcher[] = [];
  for (const w of words) {
    const m = parseMatcher(w);
    if (!m) return { bad: w };
    matchers.push(m);
  }
  return { matchers };
}

/** Why a word is not a matcher Alertmanager would take, in words for the operator; undefined when it is one. */
export function matcherProblem(text: string): string | undefined {
  if (parseMatcher(text)) return undefined;
  const m = /^[A-Za-z_][A-Za-z0-9_]*(=~|!~|!=|=)(.*)$/s.exec(text.trim());
  if (!m) return 'is not a matcher: write name=value, name!=value, name=~regex or name!~regex';
  if (hasControlCharacter(text)) return 'holds a control character; a silence is sent exactly as shown';
  let reason = '';
  try {
    // The value alone, so the message quotes what the operator wrote.
    RE2JS.compile(m[2]?.replace(/^"(.*)"$/s, '$1') ?? '');
  } catch (err) {
    reason = `: ${(err as Error).message}`;
  }
  return `has a regex that RE2 refuses${reason.slice(0, 120)} (Alertmanager matches with RE2: no lookaround, no backreferences)`;
}

/** Parses `matcherText`'s form; undefined when it is not a matcher. */
export function parseMatcher(text: string): AlertMatcher | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)$/s.exec(text.trim());
  if (!m || hasControlCharacter(text)) return undefined;
  const [, name, op, raw] = m as unknown as [string, string, string, string];
  let value = raw;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw.slice(1, -1);
    }
  }
  const isRegex = op.includes('~');
  if (hasControlCharacter(value) || (isRegex && !matcherRegex(value))) return undefined;
  return { name, value, isRegex, isEqual: !op.startsWith('!') };
}

/**
 * The shipped playbook an alert names: its `playbook` label or annotation, else the last part of its
 * `runbook_url` (…/runbooks/emergency-rollback.md names emergency-rollback), when one is loaded.
 */
export function playbookNamedBy(
  alerts: readonly Alert[],
  loaded: (id: string) => boolean,
): string | undefined {
  for (const a of alerts) {
    const url = a.annotations.runbook_url ?? a.labels.runbook_url ?? '';
    const fromUrl = /([A-Za-z0-9_-]+)(?:\.[A-Za-z]+)?\/?(?:[?#].*)?$/.exec(url)?.[1];
    const named = [a.labels.playbook, a.annotations.playbook, fromUrl].find(
      (id): id is string => id !== undefined && loaded(id.toLowerCase()),
    );
    if (named) return named.toLowerCase();
  }
  return undefined;
}

/**
 * Alertmanager's alerts, and Prometheus's own that Alertmanager does not hold (pending ones, which
 * Prometheus never sends, and firing ones not sent yet), told apart by their labels.
 */
export function mergeAlertSources(
  fromAlertmanager: readonly Alert[] | undefined,
  fromRules: readonly Alert[] | undefined,
): Alert[] {
  if (!fromRules?.length) return [...(fromAlertmanager ?? [])];
  const identity = (a: Alert) => labelText(Object.fromEntries(Object.entries(a.labels).sort()));
  const held = new Set((fromAlertmanager ?? []).map(identity));
  return [...(fromAlertmanager ?? []), ...fromRules.filter((a) => !held.has(identity(a)))];
}

/** Labels as `name=value` words, in their order, leaving out the names in `except`. */
export function labelText(labels: Record<string, string>, except: readonly string[] = []): string {
  return Object.entries(labels)
    .filter(([k]) => !except.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
