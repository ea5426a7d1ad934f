import type { ServiceSignalsView } from '../metrics/serviceSignals';
import { type Alert, alertOrder, labelText } from '../model/alerts';
import type { ContainerStatus } from '../model/sourceEvents';

/** Names in natural order: scale2 before scale10. */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** How urgently a container wants a look: 0 is worst. */
export function containerUrgency(c: ContainerStatus): number {
  if (c.state === 'exited' || c.oomKilled) return 0;
  if (c.state === 'restarting') return 1;
  if (c.health === 'unhealthy') return 2;
  if (c.state === 'unknown') return 3;
  if (c.restarts >= 3) return 4;
  if (c.state === 'starting' || c.health === 'starting') return 5;
  if (c.state === 'stopped') return 7;
  return 6;
}

/** Whether `query` (words, all must match) is in the row's text; empty matches everything. */
export function matchesQuery(text: string, query: string): boolean {
  const hay = text.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export type ContainerRow =
  | { kind: 'group'; key: string; label: string; count: number; problems: number; collapsed: boolean }
  | { kind: 'container'; key: string; container: ContainerStatus };

/**
 * The containers pane as rows: filtered by the typed query, grouped by host and compose project
 * (a header per group when there is more than one), groups and their members ordered problem-first
 * then by natural name, so the most urgent rows are always on the first screen.
 */
export function containerRows(
  containers: readonly ContainerStatus[],
  query = '',
  collapsed: readonly string[] = [],
): ContainerRow[] {
  const shown = containers.filter((c) =>
    matchesQuery(
      `${c.host} ${c.name} ${c.compose?.project ?? ''} ${c.state} ${c.health} ${c.version ?? ''}`,
      query,
    ),
  );
  const groups = new Map<string, ContainerStatus[]>();
  for (const c of shown) {
    const key = c.compose ? `${c.host}/${c.compose.project}` : c.host;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const byUrgency = (a: ContainerStatus, b: ContainerStatus) =>
    containerUrgency(a) - containerUrgency(b) || natural.compare(a.name, b.name);
  const ordered = [...groups.entries()]
    .map(([key, members]) => ({ key, members: members.sort(byUrgency) }))
    .sort(
      (a, b) =>
        containerUrgency(a.members[0] as ContainerStatus) -
          containerUrgency(b.members[0] as ContainerStatus) || natural.compare(a.key, b.key),
    );
  if (ordered.length <= 1)
    return (ordered[0]?.members ?? []).map((c) => ({ kind: 'container', key: c.id, container: c }));
  return ordered.flatMap(({ key, members }) => {
    const folded = collapsed.includes(key);
    return [
      {
        kind: 'group' as const,
        key: `group:${key}`,
        label: key,
        count: members.length,
        problems: members.filter((c) => containerUrgency(c) < 5).length,
        collapsed: folded,
      },
      ...(folded ? [] : members.map((c) => ({ kind: 'container' as const, key: c.id, container: c }))),
    ];
  });
}

/** How urgently a service wants a look: firing, then pending, then unknown, then fine. */
function serviceUrgency(v: ServiceSignalsView): number {
  if (v.rules.some((r) => r.state === 'firing')) return 0;
  if (v.rules.some((r) => r.state === 'pending')) return 1;
  if (v.unknownReason) return 2;
  return 3;
}

/** The error-rate pane's services: filtered, problem-first, then by natural name. */
export function serviceRows(signals: readonly ServiceSignalsView[], query = ''): ServiceSignalsView[] {
  return signals
    .filter((v) => matchesQuery(v.service, query))
    .sort((a, b) => serviceUrgency(a) - serviceUrgency(b) || natural.compare(a.service, b.service));
}

/**
 * The slice of `total` rows a pane of `height` rows shows around `cursor`, and how many are hidden
 * above and below (said in the pane's title, so nothing is silently off screen).
 */
export function windowOf(
  total: number,
  height: number,
  cursor: number,
): { start: number; end: number; above: number; below: number } {
  const rows = Math.max(0, height);
  const at = Math.max(0, Math.min(cursor, total - 1));
  const start = Math.max(0, Math.min(at - rows + 1, total - rows));
  const from = Math.max(0, Math.min(start, at));
  const end = Math.min(total, from + rows);
  return { start: from, end, above: from, below: total - end };
}

/** The alerts filter, shared by the alerts view and `opsconsole alerts --filter`: name, labels, state. */
export function alertMatchesQuery(a: Alert, query: string): boolean {
  return matchesQuery(`${a.name} ${labelText(a.labels)} ${a.state}`, query);
}

/** One row of the alerts view: the alerts of one name and service together. */
export interface AlertGroupRow {
  key: string;
  name: string;
  service: string;
  severity: string;
  count: number;
  firing: number;
  quiet: number;
  since: number;
  summary: string;
  /** The group's alerts, most severe and oldest first. */
  members: Alert[];
}

/**
 * The alerts view's rows: grouped by alert name and service, most severe first, then the
 * longest-standing; filtered by words in the name and labels.
 */
export function alertRows(alerts: readonly Alert[], query = ''): AlertGroupRow[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    if (!alertMatchesQuery(a, query)) continue;
    const service = a.labels.service ?? a.labels.job ?? '';
    const key = `${a.name}|${service}`;
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.entries()]
    .map(([key, members]) => {
      const sorted = [...members].sort(alertOrder);
      const worst = sorted[0] as Alert;
      return {
        key,
        name: worst.name,
        service: worst.labels.service ?? worst.labels.job ?? '',
        severity: worst.severity,
        count: members.length,
        firing: members.filter((a) => a.state === 'firing').length,
        quiet: members.filter((a) => a.state === 'silenced' || a.state === 'inhibited').length,
        since: Math.min(...members.map((a) => a.startsAt)),
        summary: members.find((a) => a.annotations.summary)?.annotations.summary ?? '',
        members: sorted,
        worst,
      };
    })
    .sort((a, b) => alertOrder({ ...a.worst, startsAt: a.since }, { ...b.worst, startsAt: b.since }))
    .map(({ worst: _, ...row }) => row);
}
